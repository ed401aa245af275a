// Runs the boot's SNTP client against a server and prints what it measured
// as key=value lines, for the host tests. It never sets the clock.
//
//   sntp_probe [--budget MS] [--wait MS] [--tries N] HOST[:PORT]
//
// Exit status 0 with a valid reply, 1 without (the reason on stdout as
// error=...), 2 on bad usage.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include <spdlog/spdlog.h>

#include "common/log.h"
#include "netcfg/sntp_client.h"

int main(int argc, char** argv)
{
    b2c::setup_logging();
    b2c::netcfg::SntpTries tries;
    std::string peer;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--budget" && i + 1 < argc) {
            tries.budget = std::chrono::milliseconds(std::atoi(argv[++i]));
        } else if (arg == "--wait" && i + 1 < argc) {
            tries.wait = std::chrono::milliseconds(std::atoi(argv[++i]));
        } else if (arg == "--tries" && i + 1 < argc) {
            tries.per_address = std::atoi(argv[++i]);
        } else if (arg.starts_with("-") || !peer.empty()) {
            std::cerr << "usage: sntp_probe [--budget MS] [--wait MS] [--tries N] HOST[:PORT]\n";
            return 2;
        } else {
            peer = arg;
        }
    }
    if (peer.empty()) {
        std::cerr << "usage: sntp_probe [--budget MS] [--wait MS] [--tries N] HOST[:PORT]\n";
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    try {
        auto result = b2c::netcfg::query_sntp(peer, tries);
        std::cout << "address=" << result.address << "\n"
                  << "port=" << result.port << "\n"
                  << "stratum=" << result.stratum << "\n"
                  << "offset_ns=" << result.offset.count() << "\n"
                  << "delay_ns=" << result.delay.count() << "\n"
                  << "elapsed_ms=" << result.elapsed.count() << "\n";
        return 0;
    } catch (const std::exception& error) {
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        spdlog::error("{}", error.what());
        std::cout << "error=" << error.what() << "\n"
                  << "elapsed_ms=" << elapsed.count() << "\n";
        return 1;
    }
}
