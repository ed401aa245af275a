// DHCP from the interfaces to a configured machine: links up, lease, apply.
#include "netcfg/network.h"

#include <spdlog/spdlog.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "netcfg/dhcp_client.h"
#include "netcfg/lease_apply.h"
#include "netcfg/netlink.h"
#include "netcfg/wired_interfaces.h"

namespace b2c::netcfg {

ConfiguredInterface configure_dhcp_on(const std::vector<std::string>& interfaces, std::chrono::seconds lease_timeout,
                                      const std::filesystem::path& resolv_conf)
{
    RouteSocket netlink;
    std::vector<DhcpInterface> candidates;
    for (const auto& name : interfaces) {
        try {
            netlink.set_link_up(name);
            auto link = netlink.link(name);
            candidates.push_back(DhcpInterface{name, link.ifindex, link.mac});
        } catch (const NetworkError& error) {
            spdlog::warn("Network: {}", error.what());
        }
    }
    if (candidates.empty())
        throw NetworkError(
            fmt::format("none of the network interfaces {} could be brought up", fmt::join(interfaces, ", ")));
    auto configured = lease_and_apply(netlink, candidates, lease_timeout);
    write_resolv_conf(resolv_conf, configured.nameservers, configured.domain);
    return configured;
}

ConfiguredInterface configure_dhcp_on_wired_interfaces(std::chrono::seconds link_timeout,
                                                       std::chrono::seconds lease_timeout)
{
    auto interfaces = wait_for_wired_interfaces(link_timeout);
    if (interfaces.empty())
        throw NetworkError(fmt::format("no wired network interface (eth*, en*) appeared within {} s: is the "
                                       "network driver built in or loaded with b2c.insmods=?",
                                       link_timeout.count()));
    return configure_dhcp_on(interfaces, lease_timeout);
}

}  // namespace b2c::netcfg
