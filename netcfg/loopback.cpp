#include <spdlog/spdlog.h>

#include "netcfg/netlink.h"
#include "netcfg/network.h"

namespace b2c::netcfg {

void bring_up_loopback()
{
    constexpr std::uint32_t localhost = 0x7f000001;
    RouteSocket netlink;
    netlink.set_link_up("lo");
    auto lo = netlink.link("lo");
    // The kernel adds 127.0.0.1/8 when lo goes up; not when someone removed it.
    if (!netlink.has_ipv4_address(lo.ifindex, localhost))
        netlink.add_ipv4_address(lo.ifindex, localhost, 8);
    spdlog::info("Network: lo is up with 127.0.0.1/8");
}

}  // namespace b2c::netcfg
