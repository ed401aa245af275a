// The SNTP client of the boot: asks one NTP server (every IPv4 address of
// its name) for the time, with a few short tries and a hard time budget.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "netcfg/sntp_packet.h"

namespace b2c::netcfg {

struct SntpPeer {
    std::string host;
    std::uint16_t port = 123;
};

// "HOST" or "HOST:PORT" (PORT 1-65535); throws SntpError otherwise.
SntpPeer parse_sntp_peer(std::string_view text);

struct SntpTries {
    int per_address = 3;                     // requests to each address
    std::chrono::milliseconds wait{1000};    // for an answer to one request
    std::chrono::milliseconds budget{5000};  // everything, name resolution included
};

struct SntpResult {
    std::string host;     // as given
    std::string address;  // the IPv4 address that answered
    std::uint16_t port = 123;
    int stratum = 0;
    std::chrono::nanoseconds offset{0};  // add to our clock to get the server's
    std::chrono::nanoseconds delay{0};
    std::chrono::milliseconds elapsed{0};  // from the call to the answer
};

// Resolves the peer and sends requests to its addresses in turn (one
// request, then up to `wait` for any answer, the next address, ... and round
// again up to `per_address` times) until a valid reply comes. Never takes
// much longer than `budget`, even when DNS hangs. Does not touch the clock.
// Throws SntpError saying what each address did when no valid reply came.
SntpResult query_sntp(const std::string& peer, const SntpTries& tries = {});

// Steps CLOCK_REALTIME by `offset` (clock_settime). Returns by how much the
// clock actually moved, measured against CLOCK_MONOTONIC. Throws SntpError
// when the clock cannot be set (no CAP_SYS_TIME).
std::chrono::nanoseconds step_clock(std::chrono::nanoseconds offset);

}  // namespace b2c::netcfg
