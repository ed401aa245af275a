// The runtime summary at the start of a boot, with the original's fields,
// one per line (farm dashboards scrape them): Linux version, Boot2container
// version, Architecture, CPU, RAM, Block devices.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace b2c::init {

std::vector<std::string> runtime_summary_lines();
void log_runtime_summary();

// A size as lsblk prints it: "2G", "465.8G", "1024M", "0B".
std::string lsblk_size(std::uint64_t bytes);

}  // namespace b2c::init
