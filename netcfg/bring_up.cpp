#include "netcfg/bring_up.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "netcfg/wireguard.h"

namespace b2c::netcfg {
namespace {

constexpr std::chrono::seconds link_timeout{10};
constexpr std::chrono::seconds lease_timeout{10};

std::vector<ConfiguredInterface> configure(const cmdline::NetworkConfig& config)
{
    if (config.kernel_configured) {
        if (adopt_kernel_ip_config()) {
            spdlog::info("ip= given: keeping the kernel's network configuration");
            return {};
        }
        spdlog::warn("ip= given, but this kernel has no IP autoconfiguration (CONFIG_IP_PNP) and ignored it: "
                     "configuring the network ourselves");
    }
    if (config.interfaces.empty())
        return {configure_dhcp_on_wired_interfaces(link_timeout, lease_timeout)};
    return configure_interfaces(config.interfaces, link_timeout, lease_timeout);
}

std::vector<std::unique_ptr<LeaseKeeper>> keep_leases(const cmdline::NetworkConfig& config,
                                                      const std::vector<ConfiguredInterface>& up)
{
    std::vector<std::unique_ptr<LeaseKeeper>> keepers;
    LeaseKeeperSettings settings;  // option 12: the host name of the moment
    for (const auto& iface : config.interfaces)
        settings.nameservers_first.insert(settings.nameservers_first.end(), iface.nameservers.begin(),
                                          iface.nameservers.end());
    for (const auto& iface : up) {
        if (!iface.lease || is_infinite(*iface.lease))
            continue;
        keepers.push_back(std::make_unique<LeaseKeeper>(*iface.lease, settings));
        spdlog::info("DHCP: keeping the lease of {} (renewal in {} s)", iface.name, iface.lease->renewal_seconds);
    }
    return keepers;
}

}  // namespace

Network bring_up(const cmdline::NetworkConfig& config)
{
    set_hostname(config.hostname);
    bring_up_loopback();
    Network network;
    network.interfaces = configure(config);
    for (const auto& iface : network.interfaces)
        spdlog::info("network up: {} has {}", iface.name, iface.address.str());
    // After the interfaces (and the DNS servers they brought, for the
    // endpoints' names), before anything that may need the tunnels.
    for (const auto& tunnel : config.wireguard)
        bring_up_wireguard(tunnel);
    network.lease_keepers = keep_leases(config, network.interfaces);
    return network;
}

}  // namespace b2c::netcfg
