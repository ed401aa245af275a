// Reading /sys: an attribute's first line.
#pragma once

#include <filesystem>
#include <string>

namespace b2c::storage {

// The first line of `path` without its newline; empty when it cannot be read
// (a disk that went away, an attribute this kernel does not have).
std::string read_sysfs_line(const std::filesystem::path& path);

}  // namespace b2c::storage
