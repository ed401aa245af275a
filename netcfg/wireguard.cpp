#include "netcfg/wireguard.h"

#include <linux/wireguard.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/ipv4_text.h"
#include "common/text.h"
#include "netcfg/netlink.h"
#include "netcfg/network.h"
#include "netcfg/resolve_ipv4.h"
#include "netcfg/wireguard_plan.h"

namespace b2c::netcfg {
namespace {

struct MsgDeleter {
    void operator()(nl_msg* msg) const { nlmsg_free(msg); }
};

// WG_CMD_SET_DEVICE on the "wireguard" generic netlink family, acknowledged.
void set_device(const WireguardPlan& plan)
{
    std::unique_ptr<nl_sock, NlSocketDeleter> socket(nl_socket_alloc());
    if (!socket)
        throw NetworkError("out of memory allocating a netlink socket");
    if (int error = genl_connect(socket.get()); error < 0)
        throw NetworkError(fmt::format("cannot open a generic netlink socket: {}", nl_geterror(error)));
    int family = genl_ctrl_resolve(socket.get(), WG_GENL_NAME);
    if (family < 0)
        throw NetworkError(
            fmt::format("the kernel has no \"{}\" generic netlink family: {}", WG_GENL_NAME, nl_geterror(family)));
    std::unique_ptr<nl_msg, MsgDeleter> msg(nlmsg_alloc());
    if (!msg || !genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_REQUEST | NLM_F_ACK,
                             WG_CMD_SET_DEVICE, WG_GENL_VERSION))
        throw NetworkError("out of memory building a WireGuard netlink request");
    try {
        put_wireguard_device(msg.get(), plan);
    } catch (const std::runtime_error& e) {
        throw NetworkError(e.what());
    }
    int error = nl_send_auto(socket.get(), msg.get());
    if (error >= 0)
        error = nl_wait_for_ack(socket.get());
    if (error < 0)
        throw NetworkError(fmt::format("the kernel refused the keys and peers: {}", nl_geterror(error)));
}

std::vector<std::optional<std::uint32_t>> resolve_endpoints(const cmdline::WireguardConfig& config,
                                                            std::chrono::milliseconds timeout)
{
    std::vector<std::optional<std::uint32_t>> addresses;
    for (const auto& peer : config.peers) {
        if (!peer.endpoint_host) {
            addresses.emplace_back();
            continue;
        }
        try {
            addresses.emplace_back(resolve_ipv4(*peer.endpoint_host, timeout).front());
        } catch (const ResolveError& e) {
            throw NetworkError(fmt::format("the endpoint of peer {}: {}", peer.public_key, e.what()));
        }
    }
    return addresses;
}

std::string peer_summary(const cmdline::WireguardPeer& wanted, const WireguardPeerPlan& peer)
{
    std::vector<std::string> networks;
    for (const auto& network : peer.allowed_ips)
        networks.push_back(network.str());
    auto endpoint = peer.endpoint
                        ? fmt::format("endpoint {}:{}", ipv4_to_string(peer.endpoint->address), peer.endpoint->port)
                        : std::string("no endpoint (it comes to us)");
    return fmt::format("peer {}: {}, allowed {}{}", wanted.public_key, endpoint,
                       networks.empty() ? std::string("nothing") : join(networks, " "),
                       peer.keepalive_seconds ? fmt::format(", keepalive {} s", peer.keepalive_seconds) : "");
}

}  // namespace

void bring_up_wireguard(const cmdline::WireguardConfig& config, std::chrono::milliseconds resolve_timeout)
{
    try {
        auto plan = plan_wireguard(config, resolve_endpoints(config, resolve_timeout));
        RouteSocket rtnl;
        rtnl.add_link(plan.name, "wireguard");
        set_device(plan);
        auto ifindex = rtnl.link(plan.name).ifindex;
        rtnl.add_ipv4_address(ifindex, plan.address.address.host_order, plan.address.prefix_length);
        rtnl.set_link_up(plan.name);
        std::vector<std::string> routes;
        for (const auto& route : plan.routes) {
            rtnl.replace_link_route(ifindex, route.address.host_order, route.prefix_length);
            routes.push_back(route.str());
        }
        spdlog::info("WireGuard: {} is up with {}{}{}", plan.name, plan.address.str(),
                     plan.listen_port ? fmt::format(", listening on port {}", *plan.listen_port) : "",
                     routes.empty() ? "" : fmt::format(", routes {} through it", join(routes, " ")));
        for (std::size_t i = 0; i < plan.peers.size(); ++i)
            spdlog::info("WireGuard: {}: {}", plan.name, peer_summary(config.peers[i], plan.peers[i]));
        for (const auto& note : plan.notes)
            spdlog::warn("WireGuard: {}", note);
    } catch (const NetworkError& e) {
        throw NetworkError(fmt::format("b2c.wireguard: {}: {}", config.name, e.what()));
    }
}

}  // namespace b2c::netcfg
