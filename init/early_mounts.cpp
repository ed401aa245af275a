#include "init/early_mounts.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "common/errors.h"

namespace b2c::init {
namespace {

struct EarlyMount {
    const char* source;
    const char* target;
    const char* type;
    unsigned long flags;
    const char* data;
    const char* why;
};

constexpr unsigned long kSafe = MS_NOSUID | MS_NODEV | MS_NOEXEC;

const EarlyMount kEarlyMounts[] = {
    {"proc", "/proc", "proc", kSafe, nullptr, "process list, /proc/cmdline, module loading"},
    {"sysfs", "/sys", "sysfs", kSafe, nullptr, "devices and their modaliases"},
    {"devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755", "device nodes, created by the kernel"},
    {"devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=0620,ptmxmode=0666",
     "pseudo-terminals for podman -t"},
    {"shm", "/dev/shm", "tmpfs", kSafe, "mode=1777", "POSIX shared memory"},
    {"cgroup2", "/sys/fs/cgroup", "cgroup2", kSafe, nullptr, "cgroup v2, needed by crun"},
    {"run", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", "podman's run root and locks"},
    {"tmp", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", "temporary files"},
};

}  // namespace

std::vector<std::string> mount_early_filesystems()
{
    std::vector<std::string> errors;
    for (const auto& m : kEarlyMounts) {
        mkdir(m.target, 0755);
        if (mount(m.source, m.target, m.type, m.flags, m.data) != 0 && errno != EBUSY)
            errors.push_back(fmt::format("cannot mount {} on {} ({}): {}", m.type, m.target, m.why, error_text(errno)));
    }
    // Programs that read the mount table the old way.
    symlink("/proc/self/mounts", "/etc/mtab");
    return errors;
}

}  // namespace b2c::init
