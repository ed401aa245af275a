// When to renew a DHCP lease (RFC 2131 4.4.5), as a pure function of the
// lease and of the time, so that it is tested without sockets nor waiting.
#pragma once

#include <chrono>
#include <optional>

#include "netcfg/dhcp_lease.h"

namespace b2c::netcfg {

using LeaseClock = std::chrono::steady_clock;

enum class LeasePhase {
    bound,      // before T1: nothing to do
    renewing,   // T1..T2: DHCPREQUEST unicast to the server that gave the lease
    rebinding,  // T2..end: DHCPREQUEST broadcast to any server
    expired,    // the address must go; back to DHCPDISCOVER
    infinite,   // a lease that never ends
};

const char* to_string(LeasePhase phase);

struct RenewalPlan {
    LeasePhase phase = LeasePhase::bound;
    bool send_request = false;  // a DHCPREQUEST is due now
    // When to plan again if no answer comes: the next retransmission or the
    // next phase; time_point::max() for an infinite lease.
    LeaseClock::time_point wake{};
};

// `last_request` is when the latest DHCPREQUEST of the current renewal went
// out (nothing before the first). The first request of each phase goes at
// once; then RFC 2131 4.4.5: wait half the time left until T2 (renewing) or
// until the end of the lease (rebinding), but at least `minimum_wait` (60 s
// in the RFC) and never past that T2 or end.
RenewalPlan plan_renewal(const DhcpLease& lease, LeaseClock::time_point now,
                         std::optional<LeaseClock::time_point> last_request, std::chrono::milliseconds minimum_wait);

// The instants of the lease on the monotonic clock.
LeaseClock::time_point renewal_deadline(const DhcpLease& lease);
LeaseClock::time_point rebinding_deadline(const DhcpLease& lease);
LeaseClock::time_point expiry_time(const DhcpLease& lease);

}  // namespace b2c::netcfg
