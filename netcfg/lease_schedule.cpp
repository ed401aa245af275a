#include "netcfg/lease_schedule.h"

#include <algorithm>

namespace b2c::netcfg {
namespace {

using std::chrono::seconds;

LeaseClock::time_point at(const DhcpLease& lease, std::uint32_t offset)
{
    return lease.acquired + seconds(offset);
}

}  // namespace

const char* to_string(LeasePhase phase)
{
    switch (phase) {
    case LeasePhase::bound: return "bound";
    case LeasePhase::renewing: return "renewing";
    case LeasePhase::rebinding: return "rebinding";
    case LeasePhase::expired: return "expired";
    case LeasePhase::infinite: return "infinite";
    }
    return "unknown";
}

LeaseClock::time_point renewal_deadline(const DhcpLease& lease)
{
    return at(lease, lease.renewal_seconds);
}
LeaseClock::time_point rebinding_deadline(const DhcpLease& lease)
{
    return at(lease, lease.rebinding_seconds);
}
LeaseClock::time_point expiry_time(const DhcpLease& lease)
{
    return at(lease, lease.lease_seconds);
}

RenewalPlan plan_renewal(const DhcpLease& lease, LeaseClock::time_point now,
                         std::optional<LeaseClock::time_point> last_request, std::chrono::milliseconds minimum_wait)
{
    if (is_infinite(lease))
        return RenewalPlan{LeasePhase::infinite, false, LeaseClock::time_point::max()};
    const auto t1 = renewal_deadline(lease);
    const auto t2 = rebinding_deadline(lease);
    const auto end = expiry_time(lease);
    if (now >= end)
        return RenewalPlan{LeasePhase::expired, false, now};
    if (now < t1)
        return RenewalPlan{LeasePhase::bound, false, t1};

    const bool renewing = now < t2;
    const auto phase_start = renewing ? t1 : t2;
    const auto phase_end = renewing ? t2 : end;
    RenewalPlan plan{renewing ? LeasePhase::renewing : LeasePhase::rebinding, false, phase_end};

    auto next_after = [&](LeaseClock::time_point sent) {
        auto wait = std::max<LeaseClock::duration>((phase_end - sent) / 2, minimum_wait);
        return std::min(sent + wait, phase_end);
    };
    if (!last_request || *last_request < phase_start) {
        plan.send_request = true;
        plan.wake = next_after(now);
        return plan;
    }
    auto next = next_after(*last_request);
    if (now >= next) {
        plan.send_request = true;
        next = next_after(now);
    }
    plan.wake = next;
    return plan;
}

}  // namespace b2c::netcfg
