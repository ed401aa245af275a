// Runs the boot's b2c.iface configuration for real (in the test's network
// namespace) and prints what came up, for the host tests.
//
//   iface_probe [--link-timeout S] [--lease-timeout S] 'b2c.iface=... b2c.iface=...'
//
// The argument is parsed like a kernel command line, so the options are
// checked exactly as at boot. DNS goes to $B2C_RESOLV_CONF. Output: one
// `up=NAME ADDRESS` line per interface, or `error=...`; exit status 0, 1
// when the configuration failed, 2 on bad usage or a bad command line.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "cmdline/config.h"
#include "common/log.h"
#include "netcfg/network.h"

int main(int argc, char** argv)
{
    b2c::setup_logging();
    std::chrono::seconds link_timeout{10};
    std::chrono::seconds lease_timeout{10};
    std::string line;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--link-timeout" && i + 1 < argc)
            link_timeout = std::chrono::seconds(std::atoi(argv[++i]));
        else if (arg == "--lease-timeout" && i + 1 < argc)
            lease_timeout = std::chrono::seconds(std::atoi(argv[++i]));
        else if (!arg.starts_with("-") && line.empty())
            line = arg;
        else {
            std::cerr << "usage: iface_probe [--link-timeout S] [--lease-timeout S] 'b2c.iface=...'\n";
            return 2;
        }
    }
    auto config = b2c::cmdline::parse_config(line);
    for (const auto& diagnostic : config.diagnostics)
        std::cout << "diagnostic=" << diagnostic.message << "\n";
    if (config.has_errors())
        return 2;
    const char* resolv_conf = std::getenv("B2C_RESOLV_CONF");
    try {
        auto up = b2c::netcfg::configure_interfaces(config.network.interfaces, link_timeout, lease_timeout,
                                                    resolv_conf ? resolv_conf : "/etc/resolv.conf");
        for (const auto& iface : up)
            std::cout << "up=" << iface.name << " " << iface.address.str() << "\n";
        return 0;
    } catch (const std::exception& error) {
        std::cout << "error=" << error.what() << "\n";
        return 1;
    }
}
