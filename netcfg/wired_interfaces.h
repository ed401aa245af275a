// Finding the wired network interfaces (eth*, en*) the kernel created.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace b2c::netcfg {

bool is_wired_interface_name(std::string_view name);

// Sorted names of the wired interfaces under `sys_class_net`.
std::vector<std::string> list_wired_interfaces(const std::filesystem::path& sys_class_net = "/sys/class/net");

// Waits up to `timeout` for at least one, then a moment for its siblings
// probed at the same time. Empty if none appeared.
std::vector<std::string> wait_for_wired_interfaces(std::chrono::milliseconds timeout);

}  // namespace b2c::netcfg
