#include "storage/bring_up.h"

#include <sys/mount.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "storage/fs_type.h"
#include "storage/swap_device.h"

namespace b2c::storage {
namespace {

const cmdline::FilesystemConfig* cache_filesystem(const cmdline::StorageConfig& config)
{
    if (config.cache.kind != cmdline::CacheDevice::Kind::filesystem)
        return nullptr;
    for (const auto& fs : config.filesystems)
        if (fs.name == config.cache.name)
            return &fs;
    return nullptr;
}

// Without a cache, podman's image store lives in RAM. overlayfs wants a real
// tmpfs under it, not the initramfs' rootfs.
void image_store_in_ram()
{
    if (::mount("containers", "/var/lib/containers", "tmpfs", 0, "mode=0700") != 0)
        throw system_error("cannot mount a tmpfs on /var/lib/containers");
}

}  // namespace

std::vector<std::string> modules_needed(const cmdline::StorageConfig& config)
{
    std::vector<std::string> modules{"overlay"};
    for (const auto& fs : config.filesystems)
        if (!fs.type.empty())
            modules.push_back("fs-" + fs.type);
    // A cache on a share is an ext4 image file, loop mounted (whatever its
    // type: an undeclared one is probed at mount time).
    if (config.cache.kind == cmdline::CacheDevice::Kind::filesystem)
        modules.push_back("loop");
    // fscrypt's AES: the kernel's generic AES is built in, so it never asks
    // for the CPU's (aesni_intel on x86), which the modules phase does not
    // load by CPU feature (init/modules.h says why).
    for (const auto& volume : config.volumes)
        if (volume.fscrypt_key) {
            modules.push_back("crypto-aes");
            break;
        }
    return modules;
}

bool needs_network(const cmdline::StorageConfig& config)
{
    const auto* fs = cache_filesystem(config);
    return fs && kind_of(fs->type).needs_network;
}

Storage bring_up(const cmdline::StorageConfig& config)
{
    Storage storage;
    // A swap device needs no cache, and goes first: `auto` must not take a
    // blank disk meant for swap (once a swap area, `auto` leaves it alone).
    if (!config.swap_device.empty()) {
        try {
            storage.swap.emplace(swap_on_device(config.swap_device, std::chrono::seconds(10)));
        } catch (const std::exception& e) {
            spdlog::error("b2c.swap: {}; going on without swap", e.what());
        }
    }
    if (config.swappiness) {
        try {
            set_swappiness(*config.swappiness);
        } catch (const std::exception& e) {
            spdlog::error("b2c.swap: {}; the kernel's swappiness is left as it was", e.what());
        }
    }
    if (auto cache = setup_cache(config))
        storage.cache.emplace(std::move(*cache));
    else
        image_store_in_ram();
    if (!config.swap_bytes)
        return storage;
    if (!storage.cache) {
        spdlog::warn("b2c.swap needs a cache (b2c.cache_device): going on without swap");
        return storage;
    }
    try {
        storage.swap.emplace(SwapArea::file(storage.cache->mount_point() + "/swapfile", *config.swap_bytes));
    } catch (const std::exception& e) {
        spdlog::error("b2c.swap: {}; going on without swap", e.what());
    }
    return storage;
}

}  // namespace b2c::storage
