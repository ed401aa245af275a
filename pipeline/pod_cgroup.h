// The device filter podman 4.3 puts on a pod's cgroup, lifted.
//
// With the cgroupfs manager on cgroup v2, podman 4.3 attaches an eBPF device
// program to a pod's cgroup that lets no container of the pod create a
// device: each one fails at crun's `mknod /dev/null` ("Operation not
// permitted"), where the same container outside a pod starts (seen in the
// e2e tests; an empty device list given to runc's cgroup code, vendored by
// podman, gives a deny-all program). The kernel runs the programs of every
// ancestor cgroup, so the pod's wins; each container still gets its own
// filter from crun, so the pod's adds nothing.
#pragma once

#include <string>

namespace b2c::pipeline {

// Detaches every BPF_CGROUP_DEVICE program from the cgroup directory
// `cgroup_dir` (/sys/fs/cgroup/...). Returns how many it detached. Throws
// std::system_error naming the directory when it cannot.
int lift_device_filter(const std::string& cgroup_dir);

}  // namespace b2c::pipeline
