// Downloads a URL with the boot's HTTP client, for the host tests.
//
//   http_probe [--ca FILE] [--attempts N] URL
//
// Prints the body on stdout (exit 0) or `error=...` (exit 1).
#include <cstdlib>
#include <iostream>
#include <string>

#include "common/log.h"
#include "netcfg/http_download.h"

int main(int argc, char** argv)
{
    b2c::setup_logging();
    b2c::netcfg::DownloadOptions options;
    options.first_retry_delay = std::chrono::milliseconds(200);
    std::string url;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--ca" && i + 1 < argc)
            options.ca_file = argv[++i];
        else if (arg == "--attempts" && i + 1 < argc)
            options.attempts = std::atoi(argv[++i]);
        else if (!arg.starts_with("-") && url.empty())
            url = arg;
        else {
            std::cerr << "usage: http_probe [--ca FILE] [--attempts N] URL\n";
            return 2;
        }
    }
    try {
        std::cout << b2c::netcfg::http_get(url, options);
        return 0;
    } catch (const std::exception& error) {
        std::cout << "error=" << error.what() << "\n";
        return 1;
    }
}
