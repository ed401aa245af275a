// Waiting for a named network interface to appear (drivers probe NICs
// asynchronously, USB adapters take seconds).
#pragma once

#include <chrono>
#include <string>

#include "netcfg/netlink.h"

namespace b2c::netcfg {

// The interface's link once it exists; throws NetworkError naming it when it
// has not appeared by `deadline` (`timeout` is how the message says it).
RouteSocket::LinkInfo wait_for_link(RouteSocket& netlink, const std::string& interface,
                                    std::chrono::steady_clock::time_point deadline, std::chrono::seconds timeout);

}  // namespace b2c::netcfg
