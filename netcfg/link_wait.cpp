#include "netcfg/link_wait.h"

#include <thread>

#include <fmt/format.h>

#include "netcfg/network.h"

namespace b2c::netcfg {

RouteSocket::LinkInfo wait_for_link(RouteSocket& netlink, const std::string& interface,
                                    std::chrono::steady_clock::time_point deadline, std::chrono::seconds timeout)
{
    using Clock = std::chrono::steady_clock;
    constexpr std::chrono::milliseconds poll_interval{100};
    for (;;) {
        try {
            return netlink.link(interface);
        } catch (const NetworkError&) {
            if (Clock::now() >= deadline)
                break;
        }
        std::this_thread::sleep_for(poll_interval);
    }
    throw NetworkError(fmt::format("network interface {} did not appear within {} s: check its name (ls "
                                   "/sys/class/net) and that its driver is built in or loaded with b2c.insmods=",
                                   interface, timeout.count()));
}

}  // namespace b2c::netcfg
