// Runs the boot's DHCP client for real, applies the lease and prints it as
// key=value lines, for the host tests.
//
//   dhcp_probe [--timeout SECONDS] [INTERFACE...]   (no interface: every wired one)
//   dhcp_probe --loopback                           (bring_up_loopback only)
//
// DNS goes to $B2C_RESOLV_CONF (default /etc/resolv.conf). Exit status 0 with a
// lease, 1 without (the reason on stdout as error=...), 2 on bad usage.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/log.h"
#include "netcfg/ipv4_text.h"
#include "netcfg/network.h"
#include "netcfg/wired_interfaces.h"

namespace {

std::string addresses(const std::vector<b2c::cmdline::Ipv4Address>& list) {
    std::vector<std::uint32_t> host_order;
    for (const auto& address : list)
        host_order.push_back(address.host_order);
    return b2c::netcfg::ipv4_list_to_string(host_order, ",");
}

}  // namespace

int main(int argc, char** argv) {
    b2c::setup_logging();
    std::chrono::seconds timeout{10};
    std::vector<std::string> interfaces;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--timeout" && i + 1 < argc) {
            timeout = std::chrono::seconds(std::atoi(argv[++i]));
        } else if (arg == "--loopback") {
            try {
                b2c::netcfg::bring_up_loopback();
                std::cout << "loopback=up\n";
                return 0;
            } catch (const std::exception& error) {
                std::cout << "error=" << error.what() << "\n";
                return 1;
            }
        } else if (arg.starts_with("-")) {
            std::cerr << "usage: dhcp_probe [--timeout SECONDS] [INTERFACE...] | --loopback\n";
            return 2;
        } else {
            interfaces.push_back(arg);
        }
    }
    const char* resolv_conf = std::getenv("B2C_RESOLV_CONF");

    try {
        if (interfaces.empty())
            interfaces = b2c::netcfg::wait_for_wired_interfaces(timeout);
        if (interfaces.empty())
            throw b2c::netcfg::NetworkError("no wired network interface (eth*, en*) found");
        const auto start = std::chrono::steady_clock::now();
        auto configured =
            b2c::netcfg::configure_dhcp_on(interfaces, timeout, resolv_conf ? resolv_conf : "/etc/resolv.conf");
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        std::cout << "interface=" << configured.name << "\n"
                  << "address=" << b2c::netcfg::ipv4_to_string(configured.address.address.host_order) << "/"
                  << configured.address.prefix_length << "\n"
                  << "routers=" << addresses(configured.routers) << "\n"
                  << "nameservers=" << addresses(configured.nameservers) << "\n"
                  << "domain=" << configured.domain << "\n"
                  << "time_to_lease_ms=" << elapsed.count() << "\n";
        return 0;
    } catch (const std::exception& error) {
        spdlog::error("{}", error.what());
        std::cout << "error=" << error.what() << "\n";
        return 1;
    }
}
