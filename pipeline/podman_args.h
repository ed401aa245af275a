// Pure functions building every podman command line of the pipeline. They
// run nothing, so they are shared by run_pipeline and plan_pipeline.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "cmdline/config.h"
#include "pipeline/status.h"

namespace b2c::pipeline {

using Argv = std::vector<std::string>;

// The password goes through stdin, never on the command line.
Argv login_argv(const cmdline::RegistryLogin& login);

Argv volume_exists_argv(const std::string& volume);
// An expiring volume (expiration=pipeline_end) carries expiring_volume_label,
// so that a later boot finds it if this one dies before deleting it.
Argv volume_create_argv(const std::string& volume, bool expiring = false);
Argv volume_mountpoint_argv(const std::string& volume);
Argv expiring_volumes_argv();  // their names, one a line
Argv volume_remove_argv(const std::vector<std::string>& volumes);
inline constexpr const char* expiring_volume_label = "b2c.expiration=pipeline_end";

// podman create with our flags first and the user's arguments after, so
// that the user can override ours (`--http-proxy=true`: b2c.proxy's
// variables for the container too; by default it gets none of them). A container created `remove_on_exit`
// (`--rm`) is removed by the `podman start --attach` that waits for it: a
// run or a post costs two podman processes, create and start.
// `--pull=always` (a moving tag is honoured on every boot), but for an image
// ID: `--pull=never`.
Argv create_argv(const cmdline::ContainerSpec& spec, const Status& status, bool remove_on_exit);
Argv start_attached_argv(const std::string& id, bool interactive);
Argv start_detached_argv(const std::string& id);
Argv remove_argv(const std::string& id);  // a container already gone is not an error

// Whether podman run arguments ask for the container's stdin (`-i`,
// `--interactive`, `-ti`, `--interactive=true`, ...), read the way podman's
// flag parser reads them: options end at `--` or at the first word that is
// not one (the image); the options of podman run that take a value skip
// it. An option podman 4.3 does not know is taken as a flag.
bool opens_stdin(const std::vector<std::string>& run_args);

// Whether the image, read the same way, is an image ID (`sha256:` and 64 hex
// digits, or the 64 digits alone): one that a store holds (a cache, a
// shared read-only store) and no registry has. It is never pulled.
bool runs_an_image_id(const std::vector<std::string>& run_args);
Argv stop_argv(const std::string& id);

// Pods (b2c.kube, b2c.kube_service): the YAML goes through stdin ("-"), so
// no file is left behind; podman tears down the pods of the same YAML.
// Played without starting them: pod_cgroup.h says what must come first.
Argv kube_play_argv(const cmdline::ContainerSpec& spec);
Argv pod_cgroup_argv(const std::string& pod_id);  // its cgroup under /sys/fs/cgroup
Argv pod_start_argv(const std::string& pod_id);
Argv kube_down_argv();
// The output of the pod's containers (not its infra container), each line
// after its container's name, until they all exited.
Argv logs_follow_argv(const std::vector<std::string>& ids);
Argv wait_argv(const std::vector<std::string>& ids);  // their exit codes, one a line, in order

Argv prune_all_images_argv();       // before the last create attempt
Argv remove_all_images_argv();      // after a pull a power cut interrupted
Argv remove_all_containers_argv();  // clean-up
Argv prune_dangling_images_argv();  // clean-up

// Delays before the second, third, ... create attempt: 2 s, 4 s, 8 s, ...
// (attempts - 1 values).
std::vector<std::chrono::seconds> create_retry_delays(int attempts);
// 5 attempts: 30 s of waiting, and podman tries a refused connection 3
// times 1 s apart within each, so a registry that is unreachable for about
// 45 s (a restart of the registry or of its proxy) delays the job instead of
// failing it. With 4 (14 s of waiting), a registry down for the first 20 s
// of the pipeline was reached by the last attempt only (tests/e2e).
inline constexpr int create_attempts = 5;
// A create (the pull) during which podman printed nothing and the machine
// received less than this for Runtime::pull_stall_timeout is stopped, and
// counts as a failed attempt: a registry that stalls cannot hang the machine.
inline constexpr std::uint64_t pull_min_progress_bytes = 64 * 1024;

}  // namespace b2c::pipeline
