// Runs the boot's DHCP client for real, applies the lease and prints it as
// key=value lines, for the host tests.
//
//   dhcp_probe [--timeout SECONDS] [--keep SECONDS [--min-wait MS]] [INTERFACE...]
//                                                   (no interface: every wired one)
//   dhcp_probe --loopback                           (bring_up_loopback only)
//
// With --keep, a LeaseKeeper then keeps the lease for that long (renewal
// retransmissions at least --min-wait apart, default 1000 ms) and the probe
// prints what it did (renewals=, naks=, ...) after stopping it.
//
// DNS goes to $B2C_RESOLV_CONF (default /etc/resolv.conf). Exit status 0 with a
// lease, 1 without (the reason on stdout as error=...), 2 on bad usage.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/log.h"
#include "common/ipv4_text.h"
#include "netcfg/lease_keeper.h"
#include "netcfg/network.h"
#include "netcfg/wired_interfaces.h"

namespace {

std::string addresses(const std::vector<b2c::cmdline::Ipv4Address>& list)
{
    std::vector<std::uint32_t> host_order;
    for (const auto& address : list)
        host_order.push_back(address.host_order);
    return b2c::ipv4_list_to_string(host_order, ",");
}

// Keeps `lease` for `duration`, then stops the keeper and prints its record.
void keep_lease(const b2c::netcfg::DhcpLease& lease, std::chrono::seconds duration,
                std::chrono::milliseconds minimum_wait, const char* resolv_conf)
{
    using namespace std::chrono;
    b2c::netcfg::LeaseKeeperSettings settings;
    if (resolv_conf)
        settings.resolv_conf = resolv_conf;
    settings.minimum_wait = minimum_wait;
    std::optional<b2c::netcfg::LeaseKeeper> keeper;
    keeper.emplace(lease, settings);
    std::this_thread::sleep_for(duration);
    auto status = keeper->status();
    const auto stop_start = steady_clock::now();
    keeper.reset();
    auto stop_ms = duration_cast<milliseconds>(steady_clock::now() - stop_start).count();
    std::cout << "kept_address=" << b2c::ipv4_to_string(status.lease.address) << "/" << status.lease.prefix_length
              << "\n"
              << "has_address=" << (status.has_address ? "yes" : "no") << "\n"
              << "phase=" << b2c::netcfg::to_string(status.phase) << "\n"
              << "requests=" << status.requests << "\n"
              << "renewals=" << status.renewals << "\n"
              << "naks=" << status.naks << "\n"
              << "expiries=" << status.expiries << "\n"
              << "rediscoveries=" << status.rediscoveries << "\n"
              << "stop_ms=" << stop_ms << "\n";
}

}  // namespace

int main(int argc, char** argv)
{
    b2c::setup_logging();
    std::chrono::seconds timeout{10};
    std::optional<std::chrono::seconds> keep;
    std::chrono::milliseconds minimum_wait{1000};
    std::vector<std::string> interfaces;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--timeout" && i + 1 < argc) {
            timeout = std::chrono::seconds(std::atoi(argv[++i]));
        } else if (arg == "--keep" && i + 1 < argc) {
            keep = std::chrono::seconds(std::atoi(argv[++i]));
        } else if (arg == "--min-wait" && i + 1 < argc) {
            minimum_wait = std::chrono::milliseconds(std::atoi(argv[++i]));
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
            std::cerr << "usage: dhcp_probe [--timeout SECONDS] [--keep SECONDS [--min-wait MS]] [INTERFACE...]"
                         " | --loopback\n";
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
                  << "address=" << b2c::ipv4_to_string(configured.address.address.host_order) << "/"
                  << configured.address.prefix_length << "\n"
                  << "routers=" << addresses(configured.routers) << "\n"
                  << "nameservers=" << addresses(configured.nameservers) << "\n"
                  << "domain=" << configured.domain << "\n"
                  << "time_to_lease_ms=" << elapsed.count() << "\n";
        if (keep && configured.lease) {
            const auto& lease = *configured.lease;
            std::cout << "lease_seconds=" << lease.lease_seconds << "\n"
                      << "renewal_seconds=" << lease.renewal_seconds << "\n"
                      << "rebinding_seconds=" << lease.rebinding_seconds << "\n";
            std::cout.flush();  // the tests act on the first lease while the keeper runs
            keep_lease(lease, *keep, minimum_wait, resolv_conf);
        }
        return 0;
    } catch (const std::exception& error) {
        spdlog::error("{}", error.what());
        std::cout << "error=" << error.what() << "\n";
        return 1;
    }
}
