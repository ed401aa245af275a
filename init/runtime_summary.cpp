#include "init/runtime_summary.h"

#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace b2c::init {
namespace {

std::string value_of(const char* path, const std::string& key)
{
    std::ifstream file(path);
    std::string line;
    while (std::getline(file, line))
        if (line.rfind(key, 0) == 0) {
            auto colon = line.find(':');
            if (colon == std::string::npos)
                continue;
            auto value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(" \t"));
            return value;
        }
    return "";
}

std::string file_text(const char* path)
{
    std::ifstream file(path);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// /sys/block's disks (not loop devices nor RAM disks), as lsblk -rdno NAME,SIZE
// would list them, joined like the original: "vda=2G sr0=1024M ".
std::string block_devices()
{
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/sys/block", ec)) {
        auto name = entry.path().filename().string();
        if (name.rfind("ram", 0) == 0)
            continue;
        names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    std::string list;
    for (const auto& name : names) {
        std::ifstream size_file("/sys/block/" + name + "/size");
        unsigned long long sectors = 0;
        size_file >> sectors;
        if (name.rfind("loop", 0) == 0 && sectors == 0)
            continue;  // lsblk leaves out loop devices with nothing attached
        list += fmt::format("{}={} ", name, lsblk_size(sectors * 512));
    }
    return list;
}

}  // namespace

std::string lsblk_size(std::uint64_t bytes)
{
    int exp = 0;
    for (int shift = 10; shift <= 60; shift += 10) {
        if (bytes < (std::uint64_t{1} << shift))
            break;
        exp = shift;
    }
    const char letter = "BKMGTPE"[exp / 10];
    std::uint64_t whole = exp ? bytes >> exp : bytes;
    std::uint64_t fraction = exp ? bytes & ((std::uint64_t{1} << exp) - 1) : 0;
    if (fraction) {
        fraction = (fraction / (std::uint64_t{1} << (exp - 10)) + 50) / 100;
        if (fraction == 10) {
            ++whole;
            fraction = 0;
        }
    }
    return fraction ? fmt::format("{}.{}{}", whole, fraction, letter) : fmt::format("{}{}", whole, letter);
}

std::vector<std::string> runtime_summary_lines()
{
    utsname uts{};
    uname(&uts);
    // The RAM line keeps the original's "16384000 kB".
    return {
        fmt::format("Linux version: {}", uts.release),
        fmt::format("Boot2container version: {}", B2C_VERSION),
        fmt::format("Architecture: {}", uts.machine),
        fmt::format("CPU: {}", cpu_model(file_text("/proc/cpuinfo"))),
        fmt::format("RAM: {}", value_of("/proc/meminfo", "MemTotal")),
        fmt::format("Block devices: {}", block_devices()),
    };
}

void log_runtime_summary()
{
    // Printed as the original prints them, without the time stamp: farm
    // dashboards scrape these lines.
    for (const auto& line : runtime_summary_lines())
        std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
}

}  // namespace b2c::init
