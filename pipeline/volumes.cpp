#include "pipeline/volumes.h"

#include <algorithm>
#include <optional>

#include <spdlog/spdlog.h>

#include "common/base64.h"
#include "common/text.h"
#include "pipeline/podman_args.h"

namespace b2c::pipeline {

namespace {

constexpr std::chrono::seconds volume_timeout{60};

[[noreturn]] void fail(const std::string& volume, const std::string& reason)
{
    throw VolumeSetupError(fmt::format("{}: {}", volume, reason));
}

// Returns whether the volume existed already.
bool create_volume(const Runtime& runtime, const std::string& name, bool expiring)
{
    if (runtime.run(volume_exists_argv(name), volume_timeout).ok()) {
        spdlog::info("volume {} exists: reusing it", name);
        return true;
    }
    auto result = runtime.run(volume_create_argv(name, expiring), volume_timeout);
    if (!result.ok())
        fail(name,
             fmt::format("podman volume create failed (exit code {}): {}", result.exit_code, trim(result.output)));
    spdlog::info("volume {} created", name);
    return false;
}

const cmdline::FilesystemConfig& find_filesystem(const cmdline::StorageConfig& storage,
                                                 const cmdline::VolumeConfig& volume)
{
    auto it = std::find_if(storage.filesystems.begin(), storage.filesystems.end(),
                           [&](const auto& fs) { return fs.name == *volume.filesystem; });
    if (it == storage.filesystems.end())
        fail(volume.name, fmt::format("no b2c.filesystem named '{}' was given", *volume.filesystem));
    return *it;
}

}  // namespace

std::string volume_mountpoint(const Runtime& runtime, const std::string& volume)
{
    auto result = runtime.run(volume_mountpoint_argv(volume), volume_timeout);
    auto path = std::string(trim(result.output));
    if (!result.ok() || path.empty())
        fail(volume, fmt::format("cannot find the volume's mount point (exit code {}): {}", result.exit_code, path));
    return path;
}

namespace {

// The raw key. The parser already checked it; a message never shows it.
std::optional<std::string> fscrypt_key_of(const cmdline::VolumeConfig& volume)
{
    if (!volume.fscrypt_key)
        return std::nullopt;
    auto bytes = decode_base64(*volume.fscrypt_key);
    if (!bytes || bytes->size() != cmdline::fscrypt_key_bytes)
        fail(volume.name, fmt::format("fscrypt_key=*** is not the base 64 of {} bytes", cmdline::fscrypt_key_bytes));
    return bytes;
}

void mount_on(const Runtime& runtime, const std::string& volume, const storage::MountSpec& spec, ActiveVolumes& active)
{
    try {
        active.hold(runtime.mount(spec));
    } catch (const std::exception& e) {
        fail(volume, e.what());
    }
}

void setup_volume(const Runtime& runtime, const cmdline::StorageConfig& storage, const cmdline::VolumeConfig& volume,
                  ActiveVolumes& active)
{
    const bool expiring = volume.expiration == cmdline::VolumeConfig::Expiration::pipeline_end;
    const bool existed = create_volume(runtime, volume.name, expiring);
    if (expiring)
        active.expire_at_end(volume.name);
    const auto key = fscrypt_key_of(volume);
    if (!volume.filesystem && !key && !existed)
        return;  // a new, plain volume: nothing to check

    const auto mountpoint = volume_mountpoint(runtime, volume.name);
    auto data_dir = mountpoint;  // where the volume's files are
    if (volume.filesystem) {
        mount_on(runtime, volume.name, storage::filesystem_mount_spec(find_filesystem(storage, volume), mountpoint),
                 active);
        data_dir = fmt::format("{}/{}", mountpoint, fscrypt_subdirectory);
    }
    if (!key) {
        bool encrypted = false;
        try {
            encrypted = runtime.is_encrypted(data_dir);
        } catch (const std::exception& e) {
            fail(volume.name, e.what());
        }
        if (encrypted)
            fail(volume.name, fmt::format("{} is encrypted with fscrypt: give the volume's fscrypt_key= (with "
                                          "fscrypt_reset_key to wipe it and start afresh with a new key)",
                                          data_dir));
        return;
    }
    try {
        active.hold(runtime.encrypt(data_dir, *key, volume.fscrypt_reset_key));
    } catch (const std::exception& e) {
        fail(volume.name, e.what());
    }
    if (volume.filesystem)
        mount_on(runtime, volume.name, {data_dir, mountpoint, "", "bind"}, active);
}

}  // namespace

void ActiveVolumes::release_holds() noexcept
{
    while (!holds_.empty())  // in reverse order of acquisition
        holds_.pop_back();
}

void ActiveVolumes::release(const Runtime& runtime)
{
    release_holds();
    if (expiring_.empty())
        return;
    auto result = runtime.run(volume_remove_argv(expiring_), volume_timeout);
    if (result.ok())
        spdlog::info("expired volumes deleted: {}", join(expiring_, ", "));
    else
        spdlog::warn("cannot delete the expired volumes {} (exit code {}): {}; the next boot tries again",
                     join(expiring_, ", "), result.exit_code, trim(result.output));
    expiring_.clear();
}

void remove_expired_volumes(const Runtime& runtime)
{
    auto result = runtime.run(expiring_volumes_argv(), volume_timeout);
    if (!result.ok()) {
        spdlog::warn("cannot list the expired volumes (exit code {}): {}", result.exit_code, trim(result.output));
        return;
    }
    std::vector<std::string> names;
    for (const auto& line : split(result.output, '\n'))
        if (auto name = trim(line); !name.empty())
            names.emplace_back(name);
    if (names.empty())
        return;
    spdlog::info("deleting the volumes an earlier boot left to expire: {}", join(names, ", "));
    if (auto removed = runtime.run(volume_remove_argv(names), volume_timeout); !removed.ok())
        spdlog::warn("cannot delete the expired volumes {} (exit code {}): {}", join(names, ", "), removed.exit_code,
                     trim(removed.output));
}

void setup_volumes(const Runtime& runtime, const cmdline::StorageConfig& storage, ActiveVolumes& active)
{
    for (const auto& volume : storage.volumes)
        setup_volume(runtime, storage, volume, active);
}

}  // namespace b2c::pipeline
