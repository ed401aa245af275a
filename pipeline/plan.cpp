#include <algorithm>

#include <fmt/format.h>

#include "common/run_command.h"
#include "pipeline/pipeline.h"
#include "pipeline/podman_args.h"
#include "pipeline/runtime.h"
#include "pipeline/status.h"
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

// The mount(8) equivalent of what the pipeline does with libmount.
std::vector<std::vector<std::string>> plan_volumes(const cmdline::StorageConfig& storage)
{
    std::vector<std::vector<std::string>> plan;
    for (const auto& volume : storage.volumes) {
        plan.push_back(volume_create_argv(volume.name));
        if (!volume.filesystem)
            continue;
        auto fs = std::find_if(storage.filesystems.begin(), storage.filesystems.end(),
                               [&](const auto& f) { return f.name == *volume.filesystem; });
        if (fs == storage.filesystems.end())
            continue;  // run_pipeline reports it as a volume setup failure
        auto spec = storage::filesystem_mount_spec(*fs, mountpoint_placeholder(volume.name));
        Argv mount{"mount"};
        if (!spec.fstype.empty())
            mount.insert(mount.end(), {"-t", spec.fstype});
        if (!spec.options.empty())
            mount.insert(mount.end(), {"-o", spec.options});
        mount.insert(mount.end(), {spec.source, spec.target});
        plan.push_back(std::move(mount));
    }
    return plan;
}

}  // namespace

std::vector<std::vector<std::string>> plan_pipeline(const cmdline::Config& config)
{
    const auto& pipeline = config.pipeline;
    std::vector<std::vector<std::string>> plan;
    for (const auto& login : pipeline.logins)
        plan.push_back(login_argv(login));  // the password goes through stdin
    for (auto& argv : plan_volumes(config.storage))
        plan.push_back(std::move(argv));

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
    for (const auto& volume : config.storage.volumes)
        if (volume.filesystem)
            plan.push_back({"umount", mountpoint_placeholder(volume.name)});

    auto secrets = config.secrets();
    for (auto& argv : plan)
        for (auto& word : argv)
            word = redact(word, secrets);
    return plan;
}

}  // namespace b2c::pipeline
