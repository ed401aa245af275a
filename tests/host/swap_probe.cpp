// Drives storage/swap for the host tests, and prints key=value lines.
//
//   swap_probe create PATH BYTES   create_swap_file only (no swapon)
//   swap_probe use PATH BYTES      a swap file: swapon, print "swapping=PATH",
//                                  wait for EOF on stdin, then swapoff and
//                                  delete the file
//   swap_probe device NODE         b2c.swap=/dev/X: swap_on_device, print
//                                  "swapping=NODE", wait for EOF, swapoff
//
// Exit status 0, 1 on an error (the reason on stdout as error=...), 2 on
// bad usage.
#include <chrono>
#include <iostream>
#include <string>

#include <spdlog/spdlog.h>

#include "common/log.h"
#include "storage/swap.h"
#include "storage/swap_device.h"

namespace {

int usage()
{
    std::cerr << "usage: swap_probe create|use PATH BYTES, or swap_probe device NODE\n";
    return 2;
}

void hold(const b2c::storage::SwapArea& swap)
{
    std::cout << "swapping=" << swap.path() << std::endl;
    std::string line;
    while (std::getline(std::cin, line)) {
    }
}

}  // namespace

int main(int argc, char** argv)
{
    b2c::setup_logging();
    if (argc < 3)
        return usage();
    std::string mode = argv[1], path = argv[2];
    try {
        if (mode == "device" && argc == 3) {
            hold(b2c::storage::swap_on_device(path, std::chrono::seconds(2)));
            return 0;
        }
        if (argc != 4)
            return usage();
        auto bytes = std::stoull(argv[3]);
        if (mode == "create") {
            b2c::storage::create_swap_file(path, bytes);
            std::cout << "created=" << path << std::endl;
        } else if (mode == "use") {
            hold(b2c::storage::SwapArea::file(path, bytes));
        } else {
            return usage();
        }
        return 0;
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        std::cout << "error=" << e.what() << std::endl;
        return 1;
    }
}
