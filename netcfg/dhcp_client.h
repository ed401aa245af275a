// The DHCP client of the boot: DISCOVER -> OFFER -> REQUEST -> ACK on
// several interfaces at once, the first ACK wins.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netcfg/dhcp_lease.h"
#include "netcfg/dhcp_packet.h"

namespace b2c::netcfg {

struct DhcpInterface {
    std::string name;
    int ifindex = 0;
    MacAddress mac{};
};

// Retransmission: the first wait, doubled after each try up to the maximum
// (RFC 2131 4.1 suggests 4 s doubling to 64 s; we start lower so that a
// boot does not wait for a link that came up a moment after the first try).
struct DhcpRetransmission {
    std::chrono::milliseconds first{1000};
    std::chrono::milliseconds maximum{16000};
    int requests_before_restart = 4;
};

// Runs the exchange on every interface (which must be up) until one gets an
// ACK or `timeout` passes; nothing on timeout. Does not configure anything.
// `cancel_fd`, when given, is polled too: once it is readable (an eventfd
// written to stop a thread), the exchange gives up at once with nothing.
std::optional<DhcpLease> acquire_lease(const std::vector<DhcpInterface>& interfaces, std::chrono::milliseconds timeout,
                                       const std::string& host_name, const DhcpRetransmission& retransmission = {},
                                       int cancel_fd = -1);

// The prefix the lease's ACK (or OFFER) gave, or the address's classful one.
int lease_prefix_length(const DhcpMessage& ack, std::uint32_t address);

}  // namespace b2c::netcfg
