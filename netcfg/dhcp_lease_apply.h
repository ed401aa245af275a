// A DHCP lease onto an interface (address, default route), through libnl.
// Shared by the boot's first lease and whatever renews it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "netcfg/dhcp_client.h"
#include "netcfg/netlink.h"
#include "netcfg/network.h"

namespace b2c::netcfg {

// The address with its prefix, then the default route via the first router.
void apply_lease(RouteSocket& netlink, const DhcpLease& lease);

// What the lease configured, as the boot reports it.
ConfiguredInterface configured_from(const DhcpLease& lease);

// Asks on every candidate (already up), applies the first lease (not
// resolv.conf). Throws NetworkError naming the interfaces when none answers.
ConfiguredInterface lease_and_apply(RouteSocket& netlink, const std::vector<DhcpInterface>& candidates,
                                    std::chrono::seconds lease_timeout);

// gethostname(), sent in DHCP requests (option 12).
std::string current_host_name();

}  // namespace b2c::netcfg
