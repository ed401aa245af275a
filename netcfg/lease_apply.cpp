#include "netcfg/lease_apply.h"

#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "common/ipv4_text.h"

namespace b2c::netcfg {
namespace {

std::vector<cmdline::Ipv4Address> to_addresses(const std::vector<std::uint32_t>& host_order)
{
    std::vector<cmdline::Ipv4Address> addresses;
    for (auto address : host_order)
        addresses.push_back(cmdline::Ipv4Address{address});
    return addresses;
}

}  // namespace

void apply_lease(RouteSocket& netlink, const DhcpLease& lease)
{
    netlink.add_ipv4_address(lease.ifindex, lease.address, lease.prefix_length);
    spdlog::info("Network: {} has {}/{}", lease.interface, ipv4_to_string(lease.address), lease.prefix_length);
    if (!lease.routers.empty()) {
        auto gateway = lease.routers.front();
        auto mask = prefix_to_netmask(lease.prefix_length);
        bool on_link = (gateway & mask) != (lease.address & mask);
        netlink.replace_default_route(lease.ifindex, gateway, on_link);
        spdlog::info("Network: default route via {} on {}", ipv4_to_string(gateway), lease.interface);
    }
}

void apply_lease(RouteSocket& netlink, const DhcpLease& lease, const std::filesystem::path& resolv_conf,
                 const std::vector<cmdline::Ipv4Address>& nameservers_first)
{
    apply_lease(netlink, lease);
    auto nameservers = nameservers_first;
    for (const auto& server : to_addresses(lease.dns_servers))
        if (std::find(nameservers.begin(), nameservers.end(), server) == nameservers.end())
            nameservers.push_back(server);
    write_resolv_conf(resolv_conf, nameservers, lease.domain);
}

void withdraw_lease(RouteSocket& netlink, const DhcpLease& lease)
{
    netlink.remove_ipv4_address(lease.ifindex, lease.address, lease.prefix_length);
    spdlog::warn("Network: {} no longer has {}/{}", lease.interface, ipv4_to_string(lease.address),
                 lease.prefix_length);
}

ConfiguredInterface configured_from(const DhcpLease& lease)
{
    ConfiguredInterface configured;
    configured.name = lease.interface;
    configured.address = cmdline::Ipv4Cidr{cmdline::Ipv4Address{lease.address}, lease.prefix_length};
    configured.routers = to_addresses(lease.routers);
    configured.nameservers = to_addresses(lease.dns_servers);
    configured.domain = lease.domain;
    configured.from_dhcp = true;
    configured.lease = lease;
    return configured;
}

std::string current_host_name()
{
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) < 0)
        return {};
    std::string text = name;
    return text == "(none)" ? std::string() : text;
}

ConfiguredInterface lease_and_apply(RouteSocket& netlink, const std::vector<DhcpInterface>& candidates,
                                    std::chrono::seconds lease_timeout)
{
    std::vector<std::string> names;
    for (const auto& candidate : candidates)
        names.push_back(candidate.name);
    const auto tried = fmt::format("{}", fmt::join(names, ", "));
    spdlog::info("DHCP: asking on {} for up to {} s", tried, lease_timeout.count());
    auto lease = acquire_lease(candidates, lease_timeout, current_host_name());
    if (!lease)
        throw NetworkError(fmt::format("no DHCP lease on {} after {} s: check the cable and the DHCP server "
                                       "of that network, or configure it with b2c.iface=",
                                       tried, lease_timeout.count()));
    spdlog::info("DHCP: {} leased {}/{} from {} for {} s, {} ms after the first DHCPDISCOVER", lease->interface,
                 ipv4_to_string(lease->address), lease->prefix_length, ipv4_to_string(lease->server),
                 lease->lease_seconds, lease->time_to_lease.count());
    apply_lease(netlink, *lease);
    return configured_from(*lease);
}

}  // namespace b2c::netcfg
