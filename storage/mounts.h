// Mounting and unmounting file systems with libmount, as RAII objects.
#pragma once

#include <string>

#include "cmdline/config.h"

namespace b2c::storage {

struct MountSpec {
    std::string source;
    std::string target;
    std::string fstype;   // empty: let libmount probe
    std::string options;  // comma-separated, may be empty
};

// The mount options of a b2c.filesystem: its opts= joined with ',', plus
// what the type needs to work in our VMs (9p: trans=virtio,version=9p2000.L
// unless given).
std::string mount_options(const cmdline::FilesystemConfig& filesystem);

MountSpec filesystem_mount_spec(const cmdline::FilesystemConfig& filesystem, std::string target);

// A mounted file system, unmounted when the object dies. A default-built
// Mount holds nothing (used by tests that fake the mounting).
class Mount {
public:
    Mount() = default;
    explicit Mount(const MountSpec& spec);  // throws std::runtime_error
    ~Mount();
    Mount(Mount&& other) noexcept;
    Mount& operator=(Mount&& other) noexcept;
    Mount(const Mount&) = delete;
    Mount& operator=(const Mount&) = delete;

    // Unmounts now (lazily if the file system is busy); logs failures.
    void unmount() noexcept;
    bool mounted() const { return !target_.empty(); }
    const std::string& target() const { return target_; }

private:
    std::string target_;  // empty: nothing to unmount
};

}  // namespace b2c::storage
