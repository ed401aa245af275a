// Drives storage/swap for the host tests, and prints key=value lines.
//
//   swap_probe create PATH BYTES   create_swap_file only (no swapon)
//   swap_probe use PATH BYTES      a SwapFile: swapon, print "swapping=PATH",
//                                  wait for EOF on stdin, then swapoff and
//                                  delete the file
//
// Exit status 0, 1 on an error (the reason on stdout as error=...), 2 on
// bad usage.
#include <iostream>
#include <string>

#include <spdlog/spdlog.h>

#include "common/log.h"
#include "storage/swap.h"

int main(int argc, char** argv)
{
    b2c::setup_logging();
    if (argc != 4) {
        std::cerr << "usage: swap_probe create|use PATH BYTES\n";
        return 2;
    }
    std::string mode = argv[1], path = argv[2];
    try {
        auto bytes = std::stoull(argv[3]);
        if (mode == "create") {
            b2c::storage::create_swap_file(path, bytes);
            std::cout << "created=" << path << std::endl;
        } else if (mode == "use") {
            b2c::storage::SwapFile swap(path, bytes);
            std::cout << "swapping=" << path << std::endl;
            std::string line;
            while (std::getline(std::cin, line)) {
            }
        } else {
            std::cerr << "usage: swap_probe create|use PATH BYTES\n";
            return 2;
        }
        return 0;
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        std::cout << "error=" << e.what() << std::endl;
        return 1;
    }
}
