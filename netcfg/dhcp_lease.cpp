#include "netcfg/dhcp_lease.h"

#include "netcfg/dhcp_client.h"

namespace b2c::netcfg {

LeaseTimes lease_times(std::optional<std::uint32_t> lease, std::optional<std::uint32_t> renewal,
                       std::optional<std::uint32_t> rebinding)
{
    if (!lease || *lease == infinite_lease_seconds)
        return LeaseTimes{};
    // 64-bit products: lease * 7 overflows 32 bits for leases over ~19 years.
    const auto half = static_cast<std::uint32_t>(std::uint64_t{*lease} / 2);
    const auto seven_eighths = static_cast<std::uint32_t>(std::uint64_t{*lease} * 7 / 8);
    LeaseTimes times{*lease, renewal.value_or(half), rebinding.value_or(seven_eighths)};
    if (times.renewal > times.rebinding || times.rebinding > times.lease) {
        times.renewal = half;
        times.rebinding = seven_eighths;
    }
    return times;
}

void set_lease_times(DhcpLease& lease, const DhcpMessage& ack)
{
    auto times = lease_times(ack.lease_time, ack.renewal_time, ack.rebinding_time);
    lease.lease_seconds = times.lease;
    lease.renewal_seconds = times.renewal;
    lease.rebinding_seconds = times.rebinding;
}

DhcpLease extended_lease(const DhcpLease& old, const DhcpMessage& ack,
                         std::chrono::steady_clock::time_point request_sent)
{
    DhcpLease lease = old;
    lease.address = ack.yiaddr;
    if (ack.subnet_mask || ack.yiaddr != old.address)
        lease.prefix_length = lease_prefix_length(ack, ack.yiaddr);
    if (!ack.routers.empty())
        lease.routers = ack.routers;
    if (!ack.dns_servers.empty())
        lease.dns_servers = ack.dns_servers;
    if (!ack.domain_name.empty())
        lease.domain = ack.domain_name;
    lease.server = ack.server_id.value_or(old.server);
    set_lease_times(lease, ack);
    lease.acquired = request_sent;
    return lease;
}

bool same_configuration(const DhcpLease& a, const DhcpLease& b)
{
    return a.address == b.address && a.prefix_length == b.prefix_length && a.routers == b.routers &&
           a.dns_servers == b.dns_servers && a.domain == b.domain;
}

}  // namespace b2c::netcfg
