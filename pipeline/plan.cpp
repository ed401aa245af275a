#include <algorithm>

#include <fmt/format.h>

#include "common/run_command.h"
#include "pipeline/pipeline.h"
#include "pipeline/podman_args.h"
#include "pipeline/runtime.h"
#include "pipeline/status.h"
#include "pipeline/volumes.h"
#include "storage/mounts.h"

namespace b2c::pipeline {

namespace {

std::string placeholder(const char* kind, std::size_t index)
{
    return fmt::format("<{} {} id>", kind, index + 1);
}

std::string mountpoint_placeholder(const std::string& volume)
{
    return fmt::format("<mount point of volume {}>", volume);
}

Argv mount_argv(const storage::MountSpec& spec)
{
    Argv mount{"mount"};
    if (!spec.fstype.empty())
        mount.insert(mount.end(), {"-t", spec.fstype});
    if (!spec.options.empty())
        mount.insert(mount.end(), {"-o", spec.options});
    mount.insert(mount.end(), {spec.source, spec.target});
    return mount;
}

// The directory a volume's fscrypt key applies to (see setup_volume).
std::string encrypted_dir(const cmdline::VolumeConfig& volume)
{
    auto mountpoint = mountpoint_placeholder(volume.name);
    return volume.filesystem ? fmt::format("{}/{}", mountpoint, fscrypt_subdirectory) : mountpoint;
}

// The mount(8) equivalent of what the pipeline does with libmount, and a
// pseudo-command `fscrypt encrypt|lock DIR` for what it does with the
// fscrypt ioctls. `setup` gets what setup_volumes does, `release` what the
// clean-up does, in its order.
void plan_volumes(const cmdline::StorageConfig& storage, std::vector<Argv>& setup, std::vector<Argv>& release)
{
    if (storage.cache.kind != cmdline::CacheDevice::Kind::none)
        setup.push_back(expiring_volumes_argv());
    std::vector<std::string> expiring;
    for (const auto& volume : storage.volumes) {
        const bool expires = volume.expiration == cmdline::VolumeConfig::Expiration::pipeline_end;
        setup.push_back(volume_create_argv(volume.name, expires));
        if (expires)
            expiring.push_back(volume.name);
        const auto mountpoint = mountpoint_placeholder(volume.name);
        std::vector<Argv> undo;  // this volume's release, in reverse
        if (volume.filesystem) {
            auto fs = std::find_if(storage.filesystems.begin(), storage.filesystems.end(),
                                   [&](const auto& f) { return f.name == *volume.filesystem; });
            if (fs == storage.filesystems.end())
                continue;  // run_pipeline reports it as a volume setup failure
            setup.push_back(mount_argv(storage::filesystem_mount_spec(*fs, mountpoint)));
            undo.push_back({"umount", mountpoint});
        }
        if (volume.fscrypt_key) {
            Argv encrypt{"fscrypt", "encrypt", encrypted_dir(volume)};
            if (volume.fscrypt_reset_key)
                encrypt.emplace_back("--reset");
            setup.push_back(std::move(encrypt));
            undo.push_back({"fscrypt", "lock", encrypted_dir(volume)});
            if (volume.filesystem) {
                setup.push_back({"mount", "--bind", encrypted_dir(volume), mountpoint});
                undo.push_back({"umount", mountpoint});
            }
        }
        release.insert(release.begin(), undo.rbegin(), undo.rend());
    }
    if (!expiring.empty())
        release.push_back(volume_remove_argv(expiring));
}

}  // namespace

std::vector<std::vector<std::string>> plan_pipeline(const cmdline::Config& config)
{
    const auto& pipeline = config.pipeline;
    std::vector<std::vector<std::string>> plan;
    for (const auto& login : pipeline.logins)
        plan.push_back(login_argv(login));  // the password goes through stdin
    std::vector<Argv> volumes_release;
    plan_volumes(config.storage, plan, volumes_release);

    Status status;
    for (std::size_t i = 0; i < pipeline.services.size(); ++i) {
        plan.push_back(create_argv(pipeline.services[i], status));
        plan.push_back(start_detached_argv(placeholder("service", i)));
    }
    // As if every container exited 0: b2c.pipefail never skips anything here.
    auto plan_container = [&](const cmdline::ContainerSpec& spec, const std::string& id) {
        plan.push_back(create_argv(spec, status));
        plan.push_back(start_attached_argv(id, false));  // --interactive is decided at run time
        plan.push_back(remove_argv(id));
        record_container(status, spec, 0, true);
    };
    for (std::size_t i = 0; i < pipeline.runs.size(); ++i)
        plan_container(pipeline.runs[i], placeholder("run", i));
    for (std::size_t i = 0; i < pipeline.posts.size(); ++i)
        plan_container(pipeline.posts[i], placeholder("post", i));

    for (std::size_t i = 0; i < pipeline.services.size(); ++i) {
        plan.push_back(stop_argv(placeholder("service", i)));
        plan.push_back(remove_argv(placeholder("service", i)));
    }
    plan.push_back(remove_all_containers_argv());
    plan.push_back(prune_dangling_images_argv());
    plan.insert(plan.end(), volumes_release.begin(), volumes_release.end());

    auto secrets = config.secrets();
    for (auto& argv : plan)
        for (auto& word : argv)
            word = redact(word, secrets);
    return plan;
}

}  // namespace b2c::pipeline
