// DHCP from the interfaces to a configured machine: links up, lease, apply.
#include "netcfg/network.h"

#include <unistd.h>

#include <spdlog/spdlog.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "netcfg/dhcp_client.h"
#include "netcfg/ipv4_text.h"
#include "netcfg/lease_apply.h"
#include "netcfg/netlink.h"
#include "netcfg/wired_interfaces.h"

namespace b2c::netcfg {
namespace {

std::string current_host_name() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) < 0)
        return {};
    std::string text = name;
    return text == "(none)" ? std::string() : text;
}

std::vector<cmdline::Ipv4Address> to_addresses(const std::vector<std::uint32_t>& host_order) {
    std::vector<cmdline::Ipv4Address> addresses;
    for (auto address : host_order)
        addresses.push_back(cmdline::Ipv4Address{address});
    return addresses;
}

}  // namespace

ConfiguredInterface configure_dhcp_on(const std::vector<std::string>& interfaces, std::chrono::seconds lease_timeout,
                                      const std::filesystem::path& resolv_conf) {
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
    const auto tried = fmt::format("{}", fmt::join(interfaces, ", "));
    if (candidates.empty())
        throw NetworkError(fmt::format("none of the network interfaces {} could be brought up", tried));

    spdlog::info("DHCP: asking on {} for up to {} s", tried, lease_timeout.count());
    auto lease = acquire_lease(candidates, lease_timeout, current_host_name());
    if (!lease)
        throw NetworkError(fmt::format("no DHCP lease on {} after {} s: check the cable and the DHCP server "
                                       "of that network, or configure it with b2c.iface=",
                                       tried, lease_timeout.count()));
    spdlog::info("DHCP: {} leased {}/{} from {} for {} s, {} ms after the first DHCPDISCOVER", lease->interface,
                 ipv4_to_string(lease->address), lease->prefix_length, ipv4_to_string(lease->server),
                 lease->lease_seconds, lease->time_to_lease.count());
    apply_lease(netlink, *lease, resolv_conf);

    ConfiguredInterface configured;
    configured.name = lease->interface;
    configured.address = cmdline::Ipv4Cidr{cmdline::Ipv4Address{lease->address}, lease->prefix_length};
    configured.routers = to_addresses(lease->routers);
    configured.nameservers = to_addresses(lease->dns_servers);
    configured.domain = lease->domain;
    configured.from_dhcp = true;
    configured.lease = *lease;
    return configured;
}

ConfiguredInterface configure_dhcp_on_wired_interfaces(std::chrono::seconds link_timeout,
                                                       std::chrono::seconds lease_timeout) {
    auto interfaces = wait_for_wired_interfaces(link_timeout);
    if (interfaces.empty())
        throw NetworkError(fmt::format("no wired network interface (eth*, en*) appeared within {} s: is the "
                                       "network driver built in or loaded with b2c.insmods=?",
                                       link_timeout.count()));
    return configure_dhcp_on(interfaces, lease_timeout);
}

}  // namespace b2c::netcfg
