#include "netcfg/clock.h"

#include <algorithm>
#include <exception>

#include <spdlog/spdlog.h>

#include "netcfg/sntp_client.h"

namespace b2c::netcfg {

std::optional<ClockStep> set_clock_from_ntp(const std::string& peer, std::chrono::milliseconds budget)
{
    using std::chrono::duration;
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    const auto start = std::chrono::steady_clock::now();
    try {
        SntpTries tries;
        tries.budget = budget;
        // A third of the budget per request at most, so that every address
        // gets asked more than once even with a short budget.
        tries.wait = std::min(tries.wait, std::max(budget / 3, milliseconds(100)));
        auto answer = query_sntp(peer, tries);
        ClockStep step;
        step.server = peer;
        step.address = answer.address;
        step.stratum = answer.stratum;
        step.moved = step_clock(answer.offset);
        step.elapsed = duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
        spdlog::info("NTP: clock set from {} ({}, stratum {}): moved by {:+.3f} s, in {} ms (round trip {:.1f} ms)",
                     peer, step.address, step.stratum, duration<double>(step.moved).count(), step.elapsed.count(),
                     duration<double, std::milli>(answer.delay).count());
        return step;
    } catch (const std::exception& error) {
        spdlog::warn("NTP: the clock was not set from {}: {}; going on with the current clock", peer, error.what());
        return std::nullopt;
    }
}

}  // namespace b2c::netcfg
