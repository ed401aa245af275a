// netcfg's public header: what the boot asks of the network, in one place.
// Bring it up as the command line says and keep it up for as long as the
// machine runs; set the host name (network.h), the clock from NTP
// (clock.h), download over HTTP (http_download.h), through b2c.proxy's
// proxy (proxy.h).
#pragma once

#include <memory>
#include <vector>

#include "cmdline/config.h"
#include "netcfg/clock.h"
#include "netcfg/http_download.h"
#include "netcfg/lease_keeper.h"
#include "netcfg/network.h"
#include "netcfg/proxy.h"

namespace b2c::netcfg {

// What later phases need: the interfaces configured, and their DHCP leases
// renewed in the background (a farm gateway runs for weeks).
struct Network {
    std::vector<ConfiguredInterface> interfaces;
    std::vector<std::unique_ptr<LeaseKeeper>> lease_keepers;
};

// The host name first (DHCP sends it in option 12), the loopback, then the
// kernel's ip= configuration, b2c.iface, or DHCP on every wired interface;
// links waited for up to 10 s, leases for up to 10 s; then the tunnels of
// b2c.wireguard (wireguard.h). Throws NetworkError naming what could not be
// configured: the pipeline cannot run.
Network bring_up(const cmdline::NetworkConfig& config);

}  // namespace b2c::netcfg
