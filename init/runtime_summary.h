// The runtime summary at the start of a boot, with the original's fields,
// one per line (farm dashboards scrape them): Linux version, Boot2container
// version, Architecture, CPU, RAM, Block devices.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace b2c::init {

std::vector<std::string> runtime_summary_lines();
void log_runtime_summary();

// The CPU line's value from /proc/cpuinfo's text: x86's "model name"; on
// arm64, whose kernel gives numbers only, each kind of core by name
// ("ARM Cortex-A53 + ARM Cortex-A72"), or by its numbers when unknown
// ("implementer 0x00 part 0x051"); "" when there is neither.
std::string cpu_model(std::string_view cpuinfo);

// A size as lsblk prints it: "2G", "465.8G", "1024M", "0B".
std::string lsblk_size(std::uint64_t bytes);

}  // namespace b2c::init
