// b2c.ntp_peer: the boot sets the wall clock from an NTP server before it
// pulls images (TLS certificates are checked against the clock).
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace b2c::netcfg {

struct ClockStep {
    std::string server;   // as given
    std::string address;  // the IPv4 address that answered
    int stratum = 0;
    std::chrono::nanoseconds moved{0};     // how far the clock was stepped
    std::chrono::milliseconds elapsed{0};  // query and step, from the call
};

// Asks `peer` (HOST or HOST:PORT) for the time within about `budget` and
// steps the clock. Logs "NTP: clock set from ..." on success. On any failure
// (no answer, bad answer, no DNS, no right to set the clock) it logs a
// warning and returns nothing: a boot goes on with the clock it has.
std::optional<ClockStep> set_clock_from_ntp(const std::string& peer, std::chrono::milliseconds budget);

}  // namespace b2c::netcfg
