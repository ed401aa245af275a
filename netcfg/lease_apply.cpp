#include "netcfg/lease_apply.h"

#include <spdlog/spdlog.h>

#include "netcfg/ipv4_text.h"
#include "netcfg/network.h"

namespace b2c::netcfg {
namespace {

std::vector<cmdline::Ipv4Address> to_addresses(const std::vector<std::uint32_t>& host_order) {
    std::vector<cmdline::Ipv4Address> addresses;
    for (auto address : host_order)
        addresses.push_back(cmdline::Ipv4Address{address});
    return addresses;
}

}  // namespace

void apply_lease(RouteSocket& netlink, const DhcpLease& lease, const std::filesystem::path& resolv_conf) {
    netlink.add_ipv4_address(lease.ifindex, lease.address, lease.prefix_length);
    spdlog::info("Network: {} has {}/{}", lease.interface, ipv4_to_string(lease.address), lease.prefix_length);
    if (!lease.routers.empty()) {
        auto gateway = lease.routers.front();
        auto mask = prefix_to_netmask(lease.prefix_length);
        bool on_link = (gateway & mask) != (lease.address & mask);
        netlink.replace_default_route(lease.ifindex, gateway, on_link);
        spdlog::info("Network: default route via {} on {}", ipv4_to_string(gateway), lease.interface);
    }
    write_resolv_conf(resolv_conf, to_addresses(lease.dns_servers), lease.domain);
}

void withdraw_lease(RouteSocket& netlink, const DhcpLease& lease) {
    netlink.remove_ipv4_address(lease.ifindex, lease.address, lease.prefix_length);
    spdlog::warn("Network: {} no longer has {}/{}", lease.interface, ipv4_to_string(lease.address),
                 lease.prefix_length);
}

}  // namespace b2c::netcfg
