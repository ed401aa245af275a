#include "init/runtime_summary.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <spdlog/spdlog.h>

namespace b2c::init {
namespace {

std::string first_line_with(const char* path, const std::string& prefix)
{
    std::ifstream file(path);
    std::string line;
    while (std::getline(file, line))
        if (line.rfind(prefix, 0) == 0) {
            auto colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(colon + 2);
        }
    return "unknown";
}

std::string block_devices()
{
    std::string list;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/sys/block", ec)) {
        auto name = entry.path().filename().string();
        if (name.rfind("loop", 0) == 0 || name.rfind("ram", 0) == 0)
            continue;
        std::ifstream size_file(entry.path() / "size");
        unsigned long long sectors = 0;
        size_file >> sectors;
        if (!list.empty())
            list += ", ";
        list += fmt::format("{} ({:.1f} GiB)", name, sectors * 512.0 / (1ull << 30));
    }
    return list.empty() ? "none" : list;
}

}  // namespace

void log_runtime_summary()
{
    utsname uts{};
    uname(&uts);
    spdlog::info("boot2container (C++) {} on Linux {} ({})", B2C_VERSION, uts.release, uts.machine);
    spdlog::info("CPU: {} x {}", sysconf(_SC_NPROCESSORS_ONLN),
                 first_line_with("/proc/cpuinfo", "model name"));
    spdlog::info("RAM: {}", first_line_with("/proc/meminfo", "MemTotal"));
    spdlog::info("Block devices: {}", block_devices());
}

}  // namespace b2c::init
