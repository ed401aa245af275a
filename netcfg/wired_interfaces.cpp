#include "netcfg/wired_interfaces.h"

#include <algorithm>
#include <thread>

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

namespace b2c::netcfg {

bool is_wired_interface_name(std::string_view name)
{
    return name.starts_with("eth") || name.starts_with("en");
}

std::vector<std::string> list_wired_interfaces(const std::filesystem::path& sys_class_net)
{
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(sys_class_net, error)) {
        auto name = entry.path().filename().string();
        if (is_wired_interface_name(name))
            names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> wait_for_wired_interfaces(std::chrono::milliseconds timeout)
{
    using Clock = std::chrono::steady_clock;
    constexpr std::chrono::milliseconds poll_interval{100};
    constexpr std::chrono::milliseconds siblings_grace{300};
    const auto start = Clock::now();
    auto names = list_wired_interfaces();
    while (names.empty() && Clock::now() - start < timeout) {
        std::this_thread::sleep_for(poll_interval);
        names = list_wired_interfaces();
    }
    if (!names.empty() && Clock::now() - start > poll_interval) {
        // Drivers that just probed one NIC are often probing the next.
        std::this_thread::sleep_for(siblings_grace);
        names = list_wired_interfaces();
    }
    if (!names.empty())
        spdlog::info("Network: wired interfaces after {} ms: {}",
                     std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count(),
                     fmt::join(names, ", "));
    return names;
}

}  // namespace b2c::netcfg
