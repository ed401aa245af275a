// opens_stdin (podman_args.h): podman run's command line read the way its
// flag parser (spf13/pflag) reads it, as far as the image.
#include <algorithm>
#include <iterator>
#include <string_view>

#include "pipeline/podman_args.h"

namespace b2c::pipeline {

namespace {

// The options of `podman run` (4.3) that take a value, from `podman run
// --help`: every other option is a flag, which takes a value only as
// `--flag=VALUE`.
constexpr std::string_view long_options_with_value[]{
    "add-host",
    "annotation",
    "arch",
    "attach",
    "authfile",
    "blkio-weight",
    "blkio-weight-device",
    "cap-add",
    "cap-drop",
    "cgroup-conf",
    "cgroup-parent",
    "cgroupns",
    "cgroups",
    "chrootdirs",
    "cidfile",
    "conmon-pidfile",
    "cpu-period",
    "cpu-quota",
    "cpu-rt-period",
    "cpu-rt-runtime",
    "cpu-shares",
    "cpus",
    "cpuset-cpus",
    "cpuset-mems",
    "detach-keys",
    "device",
    "device-cgroup-rule",
    "device-read-bps",
    "device-read-iops",
    "device-write-bps",
    "device-write-iops",
    "dns",
    "dns-option",
    "dns-search",
    "entrypoint",
    "env",
    "env-file",
    "env-merge",
    "expose",
    "gidmap",
    "group-add",
    "health-cmd",
    "health-interval",
    "health-on-failure",
    "health-retries",
    "health-start-period",
    "health-timeout",
    "hostname",
    "hostuser",
    "image-volume",
    "init-path",
    "ip",
    "ip6",
    "ipc",
    "label",
    "label-file",
    "log-driver",
    "log-opt",
    "mac-address",
    "memory",
    "memory-reservation",
    "memory-swap",
    "memory-swappiness",
    "mount",
    "name",
    "network",
    "network-alias",
    "oom-score-adj",
    "os",
    "passwd-entry",
    "personality",
    "pid",
    "pidfile",
    "pids-limit",
    "platform",
    "pod",
    "pod-id-file",
    "preserve-fds",
    "publish",
    "pull",
    "requires",
    "restart",
    "sdnotify",
    "seccomp-policy",
    "secret",
    "security-opt",
    "shm-size",
    "stop-signal",
    "stop-timeout",
    "subgidname",
    "subuidname",
    "sysctl",
    "systemd",
    "timeout",
    "tmpfs",
    "tz",
    "uidmap",
    "ulimit",
    "umask",
    "unsetenv",
    "user",
    "userns",
    "uts",
    "variant",
    "volume",
    "volumes-from",
    "workdir",
};

// -a -c -e -h -l -m -p -u -v -w take a value: in a group of short options
// (`-tiv`), the rest of the group after one of them is its value.
constexpr std::string_view short_options_with_value = "acehlmpuvw";

bool takes_value(std::string_view long_name)
{
    return std::ranges::find(long_options_with_value, long_name) != std::end(long_options_with_value);
}

bool is_true(std::string_view value)
{
    return value == "true" || value == "1" || value == "t" || value == "T" || value == "TRUE" || value == "True";
}

}  // namespace

bool opens_stdin(const std::vector<std::string>& run_args)
{
    bool interactive = false;
    for (std::size_t i = 0; i < run_args.size(); ++i) {
        std::string_view arg = run_args[i];
        if (arg == "--" || arg.size() < 2 || arg[0] != '-')
            break;  // the image: the container's own arguments follow
        if (arg.starts_with("--")) {
            auto name = arg.substr(2);
            auto equals = name.find('=');
            if (equals != std::string_view::npos) {
                if (name.substr(0, equals) == "interactive")
                    interactive = is_true(name.substr(equals + 1));
            } else if (name == "interactive") {
                interactive = true;
            } else if (takes_value(name)) {
                ++i;
            }
            continue;
        }
        for (std::size_t c = 1; c < arg.size(); ++c) {
            if (arg[c] == 'i') {
                if (c + 1 < arg.size() && arg[c + 1] == '=') {
                    interactive = is_true(arg.substr(c + 2));
                    break;
                }
                interactive = true;
            } else if (short_options_with_value.find(arg[c]) != std::string_view::npos) {
                if (c + 1 == arg.size())
                    ++i;  // `-v X`: the next word is the value
                break;    // `-vX` or `-v=X`: the rest of the word is
            }
        }
    }
    return interactive;
}

}  // namespace b2c::pipeline
