// b2c.wireguard: a WireGuard interface made and configured through the
// kernel's own interfaces (rtnetlink for the link, its address and routes;
// the "wireguard" generic netlink family, with libnl-genl-3, for its keys
// and peers: no `wg` program), after the machine's own interfaces and
// before NTP, so that what follows may go through the tunnel.
#pragma once

#include <chrono>

#include "cmdline/config.h"

namespace b2c::netcfg {

// Resolves the peers' endpoints (each name within `resolve_timeout`), then
// creates `config.name`, sets its key, port and peers, its address, brings
// it up and adds its routes (netcfg/wireguard_plan.h). Logs what it did,
// never a private or preshared key. Throws NetworkError, naming the
// interface and what failed.
void bring_up_wireguard(const cmdline::WireguardConfig& config,
                        std::chrono::milliseconds resolve_timeout = std::chrono::seconds(5));

}  // namespace b2c::netcfg
