// b2c.iface=...,forward: the machine routes between its interfaces (a farm
// gateway). Per network namespace, like every net.* sysctl.
#include <fstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "netcfg/network.h"

namespace b2c::netcfg {

void enable_ipv4_forwarding(const std::filesystem::path& proc_sys_net)
{
    const auto path = proc_sys_net / "ipv4" / "ip_forward";
    std::ofstream file(path);
    file << "1\n";
    file.flush();
    if (!file)
        throw NetworkError(fmt::format("cannot enable IPv4 forwarding: writing {} failed", path.string()));
    spdlog::info("Network: IPv4 forwarding enabled");
}

}  // namespace b2c::netcfg
