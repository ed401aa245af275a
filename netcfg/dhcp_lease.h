// What a DHCP lease gave us, with everything its renewal needs, and the
// RFC 2131 rules for its times. Pure: no sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netcfg/dhcp_packet.h"

namespace b2c::netcfg {

// Option 51's "forever" (RFC 2132 9.2): nothing to renew.
inline constexpr std::uint32_t infinite_lease_seconds = 0xffffffff;

struct DhcpLease {
    std::string interface;
    int ifindex = 0;
    MacAddress mac{};
    std::uint32_t address = 0;  // host order, like every address here
    int prefix_length = 24;
    std::vector<std::uint32_t> routers;
    std::vector<std::uint32_t> dns_servers;
    std::string domain;
    std::uint32_t server = 0;  // server identifier (option 54)
    std::uint32_t lease_seconds = infinite_lease_seconds;
    std::uint32_t renewal_seconds = infinite_lease_seconds;    // T1 (option 58)
    std::uint32_t rebinding_seconds = infinite_lease_seconds;  // T2 (option 59)
    // The lease's times count from here: when the DHCPREQUEST that got the
    // DHCPACK was sent (RFC 2131 4.4.1), on the monotonic clock.
    std::chrono::steady_clock::time_point acquired{};
    std::chrono::milliseconds time_to_lease{0};  // from the first DHCPDISCOVER to the ACK
};

struct LeaseTimes {
    std::uint32_t lease = infinite_lease_seconds;
    std::uint32_t renewal = infinite_lease_seconds;
    std::uint32_t rebinding = infinite_lease_seconds;
};

// The times of a lease from options 51, 58 and 59. T1 and T2 default to
// 0.5 and 0.875 of the lease (RFC 2131 4.4.5), also when the server's do not
// satisfy T1 <= T2 <= lease. No lease time counts as an infinite lease.
LeaseTimes lease_times(std::optional<std::uint32_t> lease, std::optional<std::uint32_t> renewal,
                       std::optional<std::uint32_t> rebinding);

// Sets lease_seconds, renewal_seconds and rebinding_seconds from `ack`.
void set_lease_times(DhcpLease& lease, const DhcpMessage& ack);

// The lease once `ack` answered the renewal request sent at `request_sent`:
// its address and times; options the ACK leaves out keep their old values.
DhcpLease extended_lease(const DhcpLease& old, const DhcpMessage& ack,
                         std::chrono::steady_clock::time_point request_sent);

// Whether two leases configure the machine alike (address, prefix, routers,
// DNS servers, domain): if not, the new one must be applied.
bool same_configuration(const DhcpLease& a, const DhcpLease& b);

inline bool is_infinite(const DhcpLease& lease)
{
    return lease.lease_seconds == infinite_lease_seconds;
}

}  // namespace b2c::netcfg
