// Putting a DHCP lease on the machine and taking it off again: the one place
// that does it, for the boot and for the lease keeper.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "cmdline/config.h"
#include "netcfg/dhcp_client.h"
#include "netcfg/dhcp_lease.h"
#include "netcfg/netlink.h"
#include "netcfg/network.h"

namespace b2c::netcfg {

// The address with its prefix and the default route via the first router.
void apply_lease(RouteSocket& netlink, const DhcpLease& lease);

// The same, then the DNS servers and domain written to `resolv_conf`, after
// `nameservers_first` (the static nameserver= of b2c.iface, which stay first).
void apply_lease(RouteSocket& netlink, const DhcpLease& lease, const std::filesystem::path& resolv_conf,
                 const std::vector<cmdline::Ipv4Address>& nameservers_first = {});

// Removes the lease's address (the kernel drops the routes through it).
// resolv.conf is left alone: the next lease rewrites it.
void withdraw_lease(RouteSocket& netlink, const DhcpLease& lease);

// What the lease configured, as the boot reports it (the lease included,
// for the keeper).
ConfiguredInterface configured_from(const DhcpLease& lease);

// Asks on every candidate (already up), applies the first lease (not
// resolv.conf). Throws NetworkError naming the interfaces when none answers.
ConfiguredInterface lease_and_apply(RouteSocket& netlink, const std::vector<DhcpInterface>& candidates,
                                    std::chrono::seconds lease_timeout);

// gethostname(), sent in DHCP requests (option 12); "" when unset.
std::string current_host_name();

}  // namespace b2c::netcfg
