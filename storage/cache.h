// The cache (b2c.cache_device): a file system that outlives the boot, mounted
// at /storage (/container too, the legacy path), holding podman's image store
// and volumes. See shared/spec/cmdline.md, Storage.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cmdline/config.h"
#include "common/result.h"
#include "storage/block_devices.h"
#include "storage/mounts.h"
#include "storage/partition_plan.h"

namespace b2c::storage {

struct CacheOptions {
    std::string mount_point = "/storage";
    std::string legacy_link = "/container";              // a symlink to mount_point; empty: none
    std::string containers_dir = "/var/lib/containers";  // <cache>/containers bound here; empty: none
    // podman downloads each layer whole into a temporary file before it
    // unpacks it (containers/image's image_copy_tmp_dir, /var/tmp): in RAM, a
    // layer bigger than the RAM cannot be pulled even with a cache. So
    // <cache>/tmp, emptied at every boot, is bound here; empty: none.
    std::string big_tmp_dir = "/var/tmp";
    DiskScan disks;                                // where `auto` looks (tests: their loop devices)
    std::chrono::milliseconds device_wait{10000};  // for b2c.cache_device=/dev/X
    PlanOptions plan;
};

// A mounted cache. Destroying it (or unmount()) unmounts the bind mounts,
// then the cache itself.
class Cache {
public:
    Cache(std::string source, std::string mount_point, Mount mount, bool formatted);
    ~Cache();
    Cache(Cache&& other) noexcept = default;
    Cache& operator=(Cache&& other) noexcept;
    Cache(const Cache&) = delete;
    Cache& operator=(const Cache&) = delete;

    // Bind-mounts `source` (a directory) on `target`, undone before the cache.
    void bind(const std::string& source, const std::string& target);
    // A mount the cache itself lives on (the network file system holding
    // the cache's image file), undone after the cache.
    void hold_underlying(Mount mount);
    void unmount() noexcept;

    const std::string& source() const { return source_; }  // "/dev/vda1", "nfs:/export"
    const std::string& mount_point() const { return mount_point_; }
    bool formatted() const { return formatted_; }  // formatted during this boot

private:
    std::string source_;
    std::string mount_point_;
    Mount mount_;
    std::vector<Mount> binds_;
    std::vector<Mount> underlying_;
    bool formatted_ = false;
};

// Finds or creates, checks, mounts the cache as `storage.cache` says. Never
// throws: when there is no cache (none asked, no disk, no space, a device
// that never appeared, a file system e2fsck cannot repair, ...) it logs why
// (a warning or an error: the boot goes on in RAM) and returns that reason.
Result<Cache> setup_cache(const cmdline::StorageConfig& storage, const CacheOptions& options = {});

}  // namespace b2c::storage
