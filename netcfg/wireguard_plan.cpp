#include "netcfg/wireguard_plan.h"

#include <arpa/inet.h>
#include <linux/wireguard.h>
#include <netinet/in.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "common/base64.h"
#include "common/ipv4_text.h"

namespace b2c::netcfg {
namespace {

WireguardKey decode_key(const std::string& text)
{
    auto bytes = decode_base64(text, Padding::required);
    if (!bytes || bytes->size() != cmdline::wireguard_key_bytes)
        throw std::invalid_argument("a WireGuard key is not the base 64 of 32 bytes");
    WireguardKey key{};
    std::memcpy(key.data(), bytes->data(), key.size());
    return key;
}

bool holds(const cmdline::Ipv4Cidr& network, std::uint32_t address)
{
    auto mask = prefix_to_netmask(network.prefix_length);
    return (address & mask) == (network.address.host_order & mask);
}

// `inner` is `outer` or a part of it.
bool within(const cmdline::Ipv4Cidr& inner, const cmdline::Ipv4Cidr& outer)
{
    return inner.prefix_length >= outer.prefix_length && holds(outer, inner.address.host_order);
}

// An nla_put*()'s status: below 0, the message is full.
void put(int status)
{
    if (status < 0)
        throw std::runtime_error("the WireGuard netlink request is too large");
}

nlattr* nest(nl_msg* msg, int type)
{
    nlattr* start = nla_nest_start(msg, type);
    if (!start)
        throw std::runtime_error("the WireGuard netlink request is too large");
    return start;
}

}  // namespace

WireguardPlan plan_wireguard(const cmdline::WireguardConfig& config,
                             const std::vector<std::optional<std::uint32_t>>& endpoints)
{
    WireguardPlan plan;
    plan.name = config.name;
    plan.private_key = decode_key(config.private_key);
    plan.listen_port = config.listen_port;
    plan.address = config.address;
    for (std::size_t i = 0; i < config.peers.size(); ++i) {
        const auto& peer = config.peers[i];
        WireguardPeerPlan out;
        out.public_key = decode_key(peer.public_key);
        if (peer.preshared_key)
            out.preshared_key = decode_key(*peer.preshared_key);
        if (i < endpoints.size() && endpoints[i])
            out.endpoint = WireguardEndpoint{*endpoints[i], peer.endpoint_port};
        out.allowed_ips = peer.allowed_ips;
        out.keepalive_seconds = peer.keepalive_seconds;
        plan.peers.push_back(std::move(out));
    }

    std::vector<cmdline::Ipv4Cidr> wanted;
    for (const auto& peer : config.peers)
        wanted.insert(wanted.end(), peer.allowed_ips.begin(), peer.allowed_ips.end());
    wanted.insert(wanted.end(), config.routes.begin(), config.routes.end());
    const cmdline::Ipv4Cidr own{{config.address.address.host_order & prefix_to_netmask(config.address.prefix_length)},
                                config.address.prefix_length};
    for (const auto& network : wanted) {
        if (within(network, own) || std::find(plan.routes.begin(), plan.routes.end(), network) != plan.routes.end())
            continue;
        auto carried = std::find_if(plan.peers.begin(), plan.peers.end(), [&](const auto& peer) {
            return peer.endpoint && holds(network, peer.endpoint->address);
        });
        if (carried != plan.peers.end()) {
            plan.notes.push_back(fmt::format("{}: no route to {} through the tunnel: it holds the endpoint {}, "
                                             "which the tunnel's own packets go to",
                                             config.name, network.str(), ipv4_to_string(carried->endpoint->address)));
            continue;
        }
        plan.routes.push_back(network);
    }
    return plan;
}

void put_wireguard_device(nl_msg* msg, const WireguardPlan& plan)
{
    put(nla_put_string(msg, WGDEVICE_A_IFNAME, plan.name.c_str()));
    put(nla_put(msg, WGDEVICE_A_PRIVATE_KEY, plan.private_key.size(), plan.private_key.data()));
    if (plan.listen_port)
        put(nla_put_u16(msg, WGDEVICE_A_LISTEN_PORT, *plan.listen_port));
    put(nla_put_u32(msg, WGDEVICE_A_FLAGS, WGDEVICE_F_REPLACE_PEERS));
    nlattr* peers = nest(msg, WGDEVICE_A_PEERS);
    for (const auto& peer : plan.peers) {
        nlattr* one = nest(msg, 0);
        put(nla_put(msg, WGPEER_A_PUBLIC_KEY, peer.public_key.size(), peer.public_key.data()));
        if (peer.preshared_key)
            put(nla_put(msg, WGPEER_A_PRESHARED_KEY, peer.preshared_key->size(), peer.preshared_key->data()));
        put(nla_put_u32(msg, WGPEER_A_FLAGS, WGPEER_F_REPLACE_ALLOWEDIPS));
        if (peer.endpoint) {
            sockaddr_in endpoint{};
            endpoint.sin_family = AF_INET;
            endpoint.sin_port = htons(peer.endpoint->port);
            endpoint.sin_addr.s_addr = htonl(peer.endpoint->address);
            put(nla_put(msg, WGPEER_A_ENDPOINT, sizeof endpoint, &endpoint));
        }
        put(nla_put_u16(msg, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, peer.keepalive_seconds));
        nlattr* allowed = nest(msg, WGPEER_A_ALLOWEDIPS);
        for (const auto& network : peer.allowed_ips) {
            nlattr* ip = nest(msg, 0);
            std::uint32_t address = htonl(network.address.host_order);
            put(nla_put_u16(msg, WGALLOWEDIP_A_FAMILY, AF_INET));
            put(nla_put(msg, WGALLOWEDIP_A_IPADDR, sizeof address, &address));
            put(nla_put_u8(msg, WGALLOWEDIP_A_CIDR_MASK, static_cast<std::uint8_t>(network.prefix_length)));
            nla_nest_end(msg, ip);
        }
        nla_nest_end(msg, allowed);
        nla_nest_end(msg, one);
    }
    nla_nest_end(msg, peers);
}

}  // namespace b2c::netcfg
