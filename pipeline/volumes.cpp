#include "pipeline/volumes.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "common/text.h"
#include "pipeline/podman_args.h"

namespace b2c::pipeline {

namespace {

constexpr std::chrono::seconds volume_timeout{60};

[[noreturn]] void fail(const std::string& volume, const std::string& reason)
{
    throw VolumeSetupError(volume + ": " + reason);
}

void create_volume(const Runtime& runtime, const std::string& name)
{
    if (runtime.run(volume_exists_argv(name), volume_timeout).ok()) {
        spdlog::info("volume {} exists: reusing it", name);
        return;
    }
    auto result = runtime.run(volume_create_argv(name), volume_timeout);
    if (!result.ok())
        fail(name, fmt::format("podman volume create failed (exit code {}): {}", result.exit_code,
                               trim(result.output)));
    spdlog::info("volume {} created", name);
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

std::string mountpoint_of(const Runtime& runtime, const std::string& volume)
{
    auto result = runtime.run(volume_mountpoint_argv(volume), volume_timeout);
    auto path = std::string(trim(result.output));
    if (!result.ok() || path.empty())
        fail(volume, fmt::format("cannot find the volume's mount point (exit code {}): {}",
                                 result.exit_code, path));
    return path;
}

}  // namespace

std::vector<std::string> unsupported_volume_options(const cmdline::VolumeConfig& volume)
{
    std::vector<std::string> names;
    auto note = [&](bool given, const char* name) {
        if (given)
            names.emplace_back(name);
    };
    note(volume.expiration != cmdline::VolumeConfig::Expiration::never, "expiration");
    note(volume.fscrypt_key.has_value(), "fscrypt_key");
    note(volume.fscrypt_reset_key, "fscrypt_reset_key");
    note(volume.pull_from.has_value(), "pull_from/mirror");
    note(volume.push_to.has_value(), "push_to/mirror");
    note(volume.pull_on != 0, "pull_on");
    note(volume.push_on != 0, "push_on");
    note(volume.overwrite, "overwrite");
    note(volume.remove, "remove");
    note(!volume.exclude.empty(), "exclude");
    note(volume.preserve, "preserve");
    note(volume.encrypt_key.has_value(), "encrypt_key");
    return names;
}

void setup_volumes(const Runtime& runtime, const cmdline::StorageConfig& storage,
                   std::vector<storage::Mount>& mounts)
{
    for (const auto& volume : storage.volumes) {
        if (auto unsupported = unsupported_volume_options(volume); !unsupported.empty())
            spdlog::warn("volume {}: {} not supported yet, ignored", volume.name,
                         join(unsupported, ", "));
        create_volume(runtime, volume.name);
        if (!volume.filesystem)
            continue;
        const auto& filesystem = find_filesystem(storage, volume);
        auto target = mountpoint_of(runtime, volume.name);
        try {
            mounts.push_back(runtime.mount(storage::filesystem_mount_spec(filesystem, target)));
        } catch (const std::exception& e) {
            fail(volume.name, e.what());
        }
    }
}

}  // namespace b2c::pipeline
