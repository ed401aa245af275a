#include "pipeline/pod_cgroup.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <system_error>

#include "common/unique_fd.h"

namespace b2c::pipeline {

namespace {

long bpf(int command, bpf_attr& attr)
{
    return syscall(__NR_bpf, command, &attr, sizeof(attr));
}

[[noreturn]] void throw_cgroup_error(const std::string& what, const std::string& dir)
{
    throw std::system_error(errno, std::generic_category(), what + " " + dir);
}

}  // namespace

int lift_device_filter(const std::string& cgroup_dir)
{
    UniqueFd cgroup(open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!cgroup)
        throw_cgroup_error("cannot open the cgroup", cgroup_dir);
    std::array<std::uint32_t, 64> ids{};
    bpf_attr query{};
    query.query.target_fd = static_cast<std::uint32_t>(cgroup.get());
    query.query.attach_type = BPF_CGROUP_DEVICE;
    query.query.prog_ids = reinterpret_cast<std::uintptr_t>(ids.data());
    query.query.prog_cnt = ids.size();
    if (bpf(BPF_PROG_QUERY, query) != 0)
        throw_cgroup_error("cannot list the device filters of the cgroup", cgroup_dir);
    int detached = 0;
    for (std::uint32_t i = 0; i < query.query.prog_cnt && i < ids.size(); ++i) {
        bpf_attr get{};
        get.prog_id = ids[i];
        UniqueFd program(static_cast<int>(bpf(BPF_PROG_GET_FD_BY_ID, get)));
        if (!program)
            throw_cgroup_error("cannot open a device filter of the cgroup", cgroup_dir);
        bpf_attr detach{};
        detach.target_fd = static_cast<std::uint32_t>(cgroup.get());
        detach.attach_bpf_fd = static_cast<std::uint32_t>(program.get());
        detach.attach_type = BPF_CGROUP_DEVICE;
        if (bpf(BPF_PROG_DETACH, detach) != 0)
            throw_cgroup_error("cannot detach a device filter from the cgroup", cgroup_dir);
        ++detached;
    }
    return detached;
}

}  // namespace b2c::pipeline
