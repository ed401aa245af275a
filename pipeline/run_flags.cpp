// opens_stdin (podman_args.h): podman run's command line read the way its
// flag parser (spf13/pflag) reads it, as far as the image.
#include <algorithm>
#include <iterator>
#include <optional>
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

namespace {

struct RunFlags {
    bool interactive = false;
    std::optional<std::size_t> image_at;  // none: no word after the options
};

RunFlags read_run_flags(const std::vector<std::string>& run_args)
{
    RunFlags flags;
    for (std::size_t i = 0; i < run_args.size(); ++i) {
        std::string_view arg = run_args[i];
        if (arg == "--") {
            if (i + 1 < run_args.size())
                flags.image_at = i + 1;
            break;
        }
        if (arg.size() < 2 || arg[0] != '-') {
            flags.image_at = i;
            break;  // the image: the container's own arguments follow
        }
        if (arg.starts_with("--")) {
            auto name = arg.substr(2);
            auto equals = name.find('=');
            if (equals != std::string_view::npos) {
                if (name.substr(0, equals) == "interactive")
                    flags.interactive = is_true(name.substr(equals + 1));
            } else if (name == "interactive") {
                flags.interactive = true;
            } else if (takes_value(name)) {
                ++i;
            }
            continue;
        }
        for (std::size_t c = 1; c < arg.size(); ++c) {
            if (arg[c] == 'i') {
                if (c + 1 < arg.size() && arg[c + 1] == '=') {
                    flags.interactive = is_true(arg.substr(c + 2));
                    break;
                }
                flags.interactive = true;
            } else if (short_options_with_value.find(arg[c]) != std::string_view::npos) {
                if (c + 1 == arg.size())
                    ++i;  // `-v X`: the next word is the value
                break;    // `-vX` or `-v=X`: the rest of the word is
            }
        }
    }
    return flags;
}

bool is_hex_digest(std::string_view text)
{
    return text.size() == 64 &&
           std::ranges::all_of(text, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

bool opens_stdin(const std::vector<std::string>& run_args)
{
    return read_run_flags(run_args).interactive;
}

bool runs_an_image_id(const std::vector<std::string>& run_args)
{
    auto at = read_run_flags(run_args).image_at;
    if (!at)
        return false;
    std::string_view image = run_args[*at];
    if (image.starts_with("sha256:"))
        image.remove_prefix(7);
    return is_hex_digest(image);
}

}  // namespace b2c::pipeline
