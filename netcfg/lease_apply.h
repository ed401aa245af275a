// Putting a DHCP lease on the machine and taking it off again: the one place
// that does it, for the boot and for the lease keeper.
#pragma once

#include <filesystem>

#include "netcfg/dhcp_lease.h"
#include "netcfg/netlink.h"

namespace b2c::netcfg {

// The address with its prefix, the default route via the first router and
// the DNS servers and domain written to `resolv_conf`.
void apply_lease(RouteSocket& netlink, const DhcpLease& lease, const std::filesystem::path& resolv_conf);

// Removes the lease's address (the kernel drops the routes through it).
// resolv.conf is left alone: the next lease rewrites it.
void withdraw_lease(RouteSocket& netlink, const DhcpLease& lease);

}  // namespace b2c::netcfg
