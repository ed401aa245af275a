// Bringing the machine on the network: links, addresses and routes through
// libnl-3, our own DHCP client, /etc/resolv.conf and the host name.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cmdline/config.h"
#include "netcfg/dhcp_lease.h"

namespace b2c::netcfg {

class NetworkError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ConfiguredInterface {
    std::string name;
    cmdline::Ipv4Cidr address;
    std::vector<cmdline::Ipv4Address> routers;
    std::vector<cmdline::Ipv4Address> nameservers;
    std::string domain;
    bool from_dhcp = false;
    // With DHCP, the lease itself: hand it to a LeaseKeeper to keep it.
    std::optional<DhcpLease> lease;
};

// Brings up the loopback interface (containers talk to services on 127.0.0.1).
void bring_up_loopback();

// Without b2c.iface and without the kernel's ip=: DHCP on every wired
// interface (eth*, en*) at once; links are waited for up to `link_timeout`,
// the first lease wins and is applied (address, default route, DNS into
// /etc/resolv.conf). Throws NetworkError, with a sentence saying what was
// tried, when no interface gets a lease within `lease_timeout`.
ConfiguredInterface configure_dhcp_on_wired_interfaces(std::chrono::seconds link_timeout,
                                                       std::chrono::seconds lease_timeout);

// The same on exactly `interfaces` (each brought up first); DNS goes to
// `resolv_conf`. The wired variant above uses it.
ConfiguredInterface configure_dhcp_on(const std::vector<std::string>& interfaces, std::chrono::seconds lease_timeout,
                                      const std::filesystem::path& resolv_conf = "/etc/resolv.conf");

// b2c.iface: configures exactly `interfaces`, each waited for up to
// `link_timeout` and brought up: static ones get their address, gateway and
// routes; DHCP ones a lease each (applied like above). An explicit
// gateway= wins over a DHCP router. Every nameserver (static ones first,
// then DHCP's) goes to `resolv_conf`; `forward` enables IPv4 forwarding
// under `proc_sys_net`. Throws NetworkError naming the interface at the
// first one that cannot be configured.
std::vector<ConfiguredInterface> configure_interfaces(const std::vector<cmdline::InterfaceConfig>& interfaces,
                                                      std::chrono::seconds link_timeout,
                                                      std::chrono::seconds lease_timeout,
                                                      const std::filesystem::path& resolv_conf = "/etc/resolv.conf",
                                                      const std::filesystem::path& proc_sys_net = "/proc/sys/net");

// net.ipv4.ip_forward = 1.
void enable_ipv4_forwarding(const std::filesystem::path& proc_sys_net = "/proc/sys/net");

// The kernel's ip= configured the network: copy its DNS servers
// (/proc/net/pnp) into /etc/resolv.conf. False when the kernel has no
// /proc/net/pnp: built without IP autoconfiguration (CONFIG_IP_PNP, not set
// in Debian's kernels), it ignored ip=.
bool adopt_kernel_ip_config();

// Writes /etc/resolv.conf.
void write_resolv_conf(const std::vector<cmdline::Ipv4Address>& nameservers, const std::string& domain);

// The same into any file.
void write_resolv_conf(const std::filesystem::path& path, const std::vector<cmdline::Ipv4Address>& nameservers,
                       const std::string& domain);

// sethostname(2) and /etc/hostname, /etc/hosts.
void set_hostname(const std::string& name);

}  // namespace b2c::netcfg
