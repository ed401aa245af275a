// storage's public header for the boot: the modules storage will want,
// whether it must wait for the network, and bringing up the cache (or
// podman's store in RAM) and swap. (The pipeline's volumes
// use storage's two other public headers: mounts.h and fscrypt.h; S3 is a
// library of its own, storage/s3/mirror.h.)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cmdline/config.h"
#include "storage/cache.h"
#include "storage/swap.h"

namespace b2c::storage {

// Held until the machine goes down; the swap area goes first.
struct Storage {
    std::optional<Cache> cache;
    std::optional<SwapArea> swap;  // declared last: destroyed first
};

// The kernel modules the storage of `config` will want: overlay (podman's
// image store, always), the b2c.filesystem types, loop for a cache that is
// an image file on a share, the CPU's AES for fscrypt volumes.
std::vector<std::string> modules_needed(const cmdline::StorageConfig& config);

// The cache is a b2c.filesystem that is mounted over the network (NFS,
// CIFS): it comes up after the network.
bool needs_network(const cmdline::StorageConfig& config);

// b2c.swap's device and swappiness, the cache as b2c.cache_device says (or
// podman's image store on a tmpfs without one), then b2c.swap's file on
// it. A missing cache or swap is never fatal: the boot goes on (in RAM),
// and says why. Throws only when even the store in RAM cannot be made.
Storage bring_up(const cmdline::StorageConfig& config);

}  // namespace b2c::storage
