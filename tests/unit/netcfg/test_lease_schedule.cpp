// The renewal schedule of RFC 2131 4.4.5 on a fake clock.
#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <vector>

#include "netcfg/lease_schedule.h"

using namespace b2c::netcfg;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

const LeaseClock::time_point start = LeaseClock::time_point{} + std::chrono::hours(10);
constexpr milliseconds rfc_minimum{60000};

DhcpLease lease_of(std::uint32_t lease, std::uint32_t t1, std::uint32_t t2)
{
    DhcpLease result;
    result.lease_seconds = lease;
    result.renewal_seconds = t1;
    result.rebinding_seconds = t2;
    result.acquired = start;
    return result;
}

LeaseClock::time_point at(double offset_seconds)
{
    return start + std::chrono::duration_cast<LeaseClock::duration>(std::chrono::duration<double>(offset_seconds));
}

double offset(LeaseClock::time_point point)
{
    return std::chrono::duration<double>(point - start).count();
}

struct Sent {
    LeasePhase phase;
    double at;
};

// Follows the plans with no server answering, the clock jumping to each wake.
std::vector<Sent> unanswered_requests(const DhcpLease& lease, milliseconds minimum, LeasePhase& last_phase)
{
    std::vector<Sent> sent;
    std::optional<LeaseClock::time_point> last_request;
    auto now = start;
    for (int step = 0; step < 1000; ++step) {
        auto plan = plan_renewal(lease, now, last_request, minimum);
        last_phase = plan.phase;
        if (plan.phase == LeasePhase::expired || plan.phase == LeasePhase::infinite)
            break;
        if (plan.send_request) {
            sent.push_back({plan.phase, offset(now)});
            last_request = now;
        }
        REQUIRE(plan.wake > now);
        now = plan.wake;
    }
    return sent;
}

}  // namespace

TEST_CASE("a bound lease waits for T1", "[schedule]")
{
    auto lease = lease_of(3600, 1800, 3150);
    auto plan = plan_renewal(lease, at(0), std::nullopt, rfc_minimum);
    CHECK(plan.phase == LeasePhase::bound);
    CHECK_FALSE(plan.send_request);
    CHECK(plan.wake == at(1800));
    CHECK(plan_renewal(lease, at(1799.999), std::nullopt, rfc_minimum).phase == LeasePhase::bound);
}

TEST_CASE("at T1 a request goes at once, the next one halfway to T2", "[schedule]")
{
    auto lease = lease_of(3600, 1800, 3150);
    auto plan = plan_renewal(lease, at(1800), std::nullopt, rfc_minimum);
    CHECK(plan.phase == LeasePhase::renewing);
    CHECK(plan.send_request);
    CHECK(plan.wake == at(2475));

    // Before that retransmission time: nothing to send, same wake.
    plan = plan_renewal(lease, at(2000), at(1800), rfc_minimum);
    CHECK(plan.phase == LeasePhase::renewing);
    CHECK_FALSE(plan.send_request);
    CHECK(plan.wake == at(2475));

    plan = plan_renewal(lease, at(2475), at(1800), rfc_minimum);
    CHECK(plan.send_request);
    CHECK(plan.wake == at(2812.5));
}

TEST_CASE("retransmissions are never closer than the minimum, nor past T2", "[schedule]")
{
    auto lease = lease_of(3600, 1800, 3150);
    // 50 s before T2: half is 25 s, the minimum 60 s: the next step is T2 itself.
    auto plan = plan_renewal(lease, at(3100), at(3100), rfc_minimum);
    CHECK_FALSE(plan.send_request);
    CHECK(plan.wake == at(3150));
    plan = plan_renewal(lease, at(3149), at(3100), rfc_minimum);
    CHECK_FALSE(plan.send_request);
}

TEST_CASE("at T2 the client rebinds at once, then halfway to the end", "[schedule]")
{
    auto lease = lease_of(3600, 1800, 3150);
    auto plan = plan_renewal(lease, at(3150), at(3100), rfc_minimum);
    CHECK(plan.phase == LeasePhase::rebinding);
    CHECK(plan.send_request);  // the last request was a renewal: rebinding starts now
    CHECK(plan.wake == at(3375));
}

TEST_CASE("the lease expires at its end, not a moment before", "[schedule]")
{
    auto lease = lease_of(3600, 1800, 3150);
    auto before = plan_renewal(lease, at(3599.999), at(3580), rfc_minimum);
    CHECK(before.phase == LeasePhase::rebinding);
    CHECK_FALSE(before.send_request);
    CHECK(before.wake == at(3600));
    auto end = plan_renewal(lease, at(3600), at(3580), rfc_minimum);
    CHECK(end.phase == LeasePhase::expired);
    CHECK(plan_renewal(lease, at(100000), std::nullopt, rfc_minimum).phase == LeasePhase::expired);
}

TEST_CASE("an infinite lease is never renewed", "[schedule]")
{
    auto lease = lease_of(infinite_lease_seconds, infinite_lease_seconds, infinite_lease_seconds);
    auto plan = plan_renewal(lease, at(1e9), std::nullopt, rfc_minimum);
    CHECK(plan.phase == LeasePhase::infinite);
    CHECK_FALSE(plan.send_request);
    CHECK(plan.wake == LeaseClock::time_point::max());
}

TEST_CASE("with no server answering: halving retransmissions, rebinding, then expiry", "[schedule]")
{
    auto lease = lease_of(3600, 1800, 3150);
    LeasePhase last_phase{};
    auto sent = unanswered_requests(lease, rfc_minimum, last_phase);
    CHECK(last_phase == LeasePhase::expired);

    std::vector<double> renewing, rebinding;
    for (const auto& request : sent)
        (request.phase == LeasePhase::renewing ? renewing : rebinding).push_back(request.at);
    // T1, then half the time left to T2 each time, but at least 60 s later
    // (3065.625 + 42 would be too soon: 60 s); T2 comes before another 60 s.
    CHECK(renewing == std::vector<double>{1800, 2475, 2812.5, 2981.25, 3065.625, 3125.625});
    // T2 (the phase change does not wait for the minimum), then half the
    // time left to the end, at least 60 s apart; the end comes before another.
    CHECK(rebinding == std::vector<double>{3150, 3375, 3487.5, 3547.5});
    for (std::size_t i = 1; i < sent.size(); ++i) {
        if (sent[i].phase == sent[i - 1].phase)
            CHECK(sent[i].at - sent[i - 1].at >= 60);
    }
}

TEST_CASE("a short test minimum gives a renewal and a rebinding within seconds", "[schedule]")
{
    // What the host tests get from dnsmasq: T1 4 s, T2 7 s, a 2 min lease, 1 s minimum.
    auto lease = lease_of(120, 4, 7);
    LeasePhase last_phase{};
    auto sent = unanswered_requests(lease, milliseconds(1000), last_phase);
    REQUIRE(sent.size() >= 4);
    CHECK(sent[0].phase == LeasePhase::renewing);
    CHECK(sent[0].at == 4);
    CHECK(sent[1].at == 5.5);
    CHECK(sent[2].at == 6.5);
    CHECK(sent[3].phase == LeasePhase::rebinding);
    CHECK(sent[3].at == 7);
    CHECK(sent.back().at < 120);
    CHECK(last_phase == LeasePhase::expired);
}
