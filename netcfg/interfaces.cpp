// b2c.iface: exactly the interfaces the admin named, static or DHCP.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "netcfg/lease_apply.h"
#include "common/ipv4_text.h"
#include "netcfg/link_wait.h"
#include "netcfg/netlink.h"
#include "netcfg/network.h"

namespace b2c::netcfg {
namespace {

using cmdline::InterfaceConfig;

bool outside_subnet(std::uint32_t gateway, const cmdline::Ipv4Cidr& address)
{
    auto mask = prefix_to_netmask(address.prefix_length);
    return (gateway & mask) != (address.address.host_order & mask);
}

ConfiguredInterface configure_static(RouteSocket& netlink, int ifindex, const InterfaceConfig& iface)
{
    const auto& address = *iface.address;
    netlink.add_ipv4_address(ifindex, address.address.host_order, address.prefix_length);
    spdlog::info("Network: {} has {} (static)", iface.name, address.str());
    ConfiguredInterface configured;
    configured.name = iface.name;
    configured.address = address;
    return configured;
}

void add_gateway_and_routes(RouteSocket& netlink, int ifindex, const InterfaceConfig& iface,
                            const cmdline::Ipv4Cidr& address, ConfiguredInterface& configured)
{
    if (iface.gateway) {
        auto gateway = iface.gateway->host_order;
        netlink.replace_default_route(ifindex, gateway, outside_subnet(gateway, address));
        spdlog::info("Network: default route via {} on {}", iface.gateway->str(), iface.name);
        configured.routers.insert(configured.routers.begin(), *iface.gateway);
    }
    for (const auto& route : iface.routes) {
        auto gateway = route.gateway.host_order;
        netlink.replace_route(ifindex, route.destination.address.host_order, route.destination.prefix_length, gateway,
                              outside_subnet(gateway, address), false);
        spdlog::info("Network: route to {} via {} on {}", route.destination.str(), route.gateway.str(), iface.name);
    }
}

}  // namespace

std::vector<ConfiguredInterface> configure_interfaces(const std::vector<InterfaceConfig>& interfaces,
                                                      std::chrono::seconds link_timeout,
                                                      std::chrono::seconds lease_timeout,
                                                      const std::filesystem::path& resolv_conf,
                                                      const std::filesystem::path& proc_sys_net)
{
    RouteSocket netlink;
    // Static interfaces first: they cannot wait on anything; then DHCP, so that
    // an explicit gateway= (applied last) wins over a DHCP router.
    std::vector<const InterfaceConfig*> order;
    for (const auto& iface : interfaces)
        if (!iface.dhcp)
            order.push_back(&iface);
    for (const auto& iface : interfaces)
        if (iface.dhcp)
            order.push_back(&iface);

    std::vector<ConfiguredInterface> configured;
    std::vector<std::pair<int, const InterfaceConfig*>> links;
    const auto deadline = std::chrono::steady_clock::now() + link_timeout;
    for (const auto* iface : order) {
        // One deadline for all: interfaces probe in parallel.
        auto link = wait_for_link(netlink, iface->name, deadline, link_timeout);
        netlink.set_link_up(iface->name);
        links.emplace_back(link.ifindex, iface);
        try {
            if (iface->dhcp)
                configured.push_back(
                    lease_and_apply(netlink, {DhcpInterface{iface->name, link.ifindex, link.mac}}, lease_timeout));
            else
                configured.push_back(configure_static(netlink, link.ifindex, *iface));
        } catch (const NetworkError& error) {
            throw NetworkError(fmt::format("b2c.iface={}: {}", iface->name, error.what()));
        }
    }
    // Gateways and routes once every address is up: a route's gateway may be
    // on another interface's subnet.
    for (std::size_t i = 0; i < links.size(); ++i) {
        auto [ifindex, iface] = links[i];
        try {
            add_gateway_and_routes(netlink, ifindex, *iface, configured[i].address, configured[i]);
        } catch (const NetworkError& error) {
            throw NetworkError(fmt::format("b2c.iface={}: {}", iface->name, error.what()));
        }
    }

    std::vector<cmdline::Ipv4Address> nameservers;
    std::string domain;
    auto add_nameserver = [&](const cmdline::Ipv4Address& server) {
        if (std::find(nameservers.begin(), nameservers.end(), server) == nameservers.end())
            nameservers.push_back(server);
    };
    for (const auto& iface : interfaces)
        for (const auto& server : iface.nameservers)
            add_nameserver(server);
    for (const auto& up : configured) {
        for (const auto& server : up.nameservers)
            add_nameserver(server);
        if (domain.empty())
            domain = up.domain;
    }
    if (!nameservers.empty() || !domain.empty())
        write_resolv_conf(resolv_conf, nameservers, domain);

    if (std::any_of(interfaces.begin(), interfaces.end(), [](const auto& iface) { return iface.forward; }))
        enable_ipv4_forwarding(proc_sys_net);
    return configured;
}

}  // namespace b2c::netcfg
