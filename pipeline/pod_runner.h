// b2c.kube and b2c.kube_service: pods described in Kubernetes YAML, played
// by `podman kube play` at their place in the pipeline.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cmdline/config.h"
#include "pipeline/runtime.h"

namespace b2c::pipeline {

// The container ids `podman kube play` printed after "Containers:" (or
// "Container:"), in the YAML's order (the pods' infra containers are not
// among them), and the pods' ids, after "Pod:".
std::vector<std::string> played_containers(const std::string& output);
std::vector<std::string> played_pods(const std::string& output);

// Whether a failed play deserves another attempt: podman could not reach a
// registry or pull an image, as a create that fails is retried. A YAML that
// podman refuses fails the same way every time, and is not retried.
bool play_failure_is_transient(const std::string& output);

// A step of the pipeline: fetches the YAML (Runtime::fetch), plays it
// (retried like a create), starts its pods once their cgroups' device
// filter is lifted (pod_cgroup.h), prints its containers' output on the console
// until they all exited, then tears its pods down. Returns the first
// non-zero exit code of its containers in the YAML's order, 0 when all
// exited 0, exit_cannot_run (125) when the YAML could not be fetched or
// played. The YAML's restartPolicy should be Never or OnFailure: a pod
// whose containers restart for ever never ends.
int run_pod(const Runtime& runtime, const cmdline::ContainerSpec& spec);

// A service: fetched and played. Returns the YAML, for stop_pod, or nothing
// when it could not be (logged; the pipeline goes on without it).
std::optional<std::string> start_pod_service(const Runtime& runtime, const cmdline::ContainerSpec& spec);

// `podman kube down`: stops and removes the pods of `yaml` (their named
// volumes stay).
void stop_pod(const Runtime& runtime, const std::string& yaml);

}  // namespace b2c::pipeline
