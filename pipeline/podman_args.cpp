#include "pipeline/podman_args.h"

namespace b2c::pipeline {

Argv login_argv(const cmdline::RegistryLogin& login)
{
    Argv argv{"podman", "login"};
    if (!login.tls_verify)
        argv.emplace_back("--tls-verify=false");
    argv.insert(argv.end(), {"-u", login.username, "--password-stdin", login.registry});
    return argv;
}

Argv volume_exists_argv(const std::string& volume)
{
    return {"podman", "volume", "exists", volume};
}

Argv volume_create_argv(const std::string& volume, bool expiring)
{
    if (expiring)
        return {"podman", "volume", "create", "--label", expiring_volume_label, volume};
    return {"podman", "volume", "create", volume};
}

Argv volume_mountpoint_argv(const std::string& volume)
{
    return {"podman", "volume", "inspect", "--format", "{{.Mountpoint}}", volume};
}

Argv expiring_volumes_argv()
{
    return {"podman",   "volume",   "ls", "--filter", std::string("label=") + expiring_volume_label,
            "--format", "{{.Name}}"};
}

Argv volume_remove_argv(const std::vector<std::string>& volumes)
{
    Argv argv{"podman", "volume", "rm", "--force"};
    argv.insert(argv.end(), volumes.begin(), volumes.end());
    return argv;
}

Argv create_argv(const cmdline::ContainerSpec& spec, const Status& status, bool remove_on_exit)
{
    // --http-proxy=false: podman would give the container the proxy
    // variables of its own environment (b2c.proxy's, netcfg/proxy.h).
    Argv argv{"podman",
              "create",
              "--privileged",
              "--network=host",
              runs_an_image_id(spec.args) ? "--pull=never" : "--pull=always",
              "--http-proxy=false"};
    if (remove_on_exit)
        argv.emplace_back("--rm");
    for (auto& assignment : pipeline_env(status))
        argv.insert(argv.end(), {"-e", std::move(assignment)});
    argv.insert(argv.end(), spec.args.begin(), spec.args.end());
    return argv;
}

Argv start_attached_argv(const std::string& id, bool interactive)
{
    Argv argv{"podman", "start", "--attach"};
    if (interactive)
        argv.emplace_back("--interactive");
    argv.push_back(id);
    return argv;
}

Argv start_detached_argv(const std::string& id)
{
    return {"podman", "start", id};
}

Argv remove_argv(const std::string& id)
{
    return {"podman", "rm", "--force", "--ignore", id};
}

Argv stop_argv(const std::string& id)
{
    return {"podman", "stop", "--time", "10", id};
}

Argv kube_play_argv(const cmdline::ContainerSpec& spec)
{
    // The host's network, as for our containers: the initramfs has no
    // container network plugins. The user's options come after ours.
    Argv argv{"podman", "kube", "play", "--network=host", "--start=false"};
    argv.insert(argv.end(), spec.args.begin(), spec.args.end());
    argv.emplace_back("-");
    return argv;
}

Argv pod_cgroup_argv(const std::string& pod_id)
{
    return {"podman", "pod", "inspect", "--format", "{{.CgroupPath}}", pod_id};
}

Argv pod_start_argv(const std::string& pod_id)
{
    return {"podman", "pod", "start", pod_id};
}

Argv kube_down_argv()
{
    return {"podman", "kube", "down", "-"};
}

Argv logs_follow_argv(const std::vector<std::string>& ids)
{
    Argv argv{"podman", "logs", "--follow", "--names"};
    argv.insert(argv.end(), ids.begin(), ids.end());
    return argv;
}

Argv wait_argv(const std::vector<std::string>& ids)
{
    Argv argv{"podman", "wait"};
    argv.insert(argv.end(), ids.begin(), ids.end());
    return argv;
}

Argv prune_all_images_argv()
{
    return {"podman", "image", "prune", "--all", "--force"};
}

Argv remove_all_images_argv()
{
    return {"podman", "image", "rm", "--all", "--force"};
}

Argv remove_all_containers_argv()
{
    return {"podman", "container", "rm", "--all", "--force"};
}

Argv prune_dangling_images_argv()
{
    return {"podman", "image", "prune", "--force"};
}

std::vector<std::chrono::seconds> create_retry_delays(int attempts)
{
    std::vector<std::chrono::seconds> delays;
    std::chrono::seconds delay{2};
    for (int i = 1; i < attempts; ++i, delay *= 2)
        delays.push_back(delay);
    return delays;
}

}  // namespace b2c::pipeline
