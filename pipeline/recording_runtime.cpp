#include "pipeline/recording_runtime.h"

#include <memory>

#include <fmt/format.h>

#include "common/redaction.h"
#include "common/run_command.h"

namespace b2c::pipeline {
namespace {

// podman's answers on a machine where everything works, and a volume or a
// container is known by the name or id it was given.
class PodmanAnswers {
public:
    CommandResult answer(const std::vector<std::string>& argv)
    {
        CommandResult result;
        result.exit_code = 0;
        auto word = [&](std::size_t i) { return i < argv.size() ? argv[i] : std::string(); };
        if (word(1) == "volume" && word(2) == "exists") {
            result.exit_code = 1;  // new volumes: their creation is part of the plan
        } else if (word(1) == "volume" && word(2) == "inspect") {
            result.output = fmt::format("<mount point of volume {}>\n", argv.back());
        } else if (word(1) == "create") {
            result.output = fmt::format("<container {} id>\n", ++containers_);
        } else if (word(1) == "kube" && word(2) == "play") {
            // Ids as podman prints them: played_containers() reads only those.
            result.output = fmt::format("Pod:\n{:064x}\nContainers:\n{:064x}\n", ++pods_, ++containers_);
        } else if (word(1) == "pod" && word(2) == "inspect") {
            result.output = fmt::format("/libpod_parent/{}\n", argv.back());
        } else if (word(1) == "wait") {
            result.output = "0\n";
        }
        return result;
    }

private:
    int containers_ = 0;
    int pods_ = 0;
};

}  // namespace

Runtime recording_runtime(std::vector<std::string>& steps, std::vector<std::string> secrets)
{
    auto podman = std::make_shared<PodmanAnswers>();
    auto record = [&steps, secrets](const std::string& step) { steps.push_back(redact(step, secrets)); };
    Runtime runtime;
    runtime.secrets = secrets;
    runtime.execute = [podman, record](const Command& cmd) {
        record(format_command_line(cmd.argv));
        return podman->answer(cmd.argv);
    };
    runtime.sleep = [](std::chrono::seconds) {};
    runtime.lift_device_filter = [record](const std::string& cgroup_dir) {
        record(fmt::format("lift the device filter of {}", cgroup_dir));
        return 1;
    };
    runtime.fetch = [record](const std::string& url) {
        record(fmt::format("fetch the pod's YAML from {}", url));
        return fmt::format("# the YAML of {}\n", url);
    };
    runtime.received_bytes = [] { return std::uint64_t{0}; };
    runtime.mount = [record](const storage::MountSpec& spec) {
        std::vector<std::string> argv{"mount"};
        if (!spec.fstype.empty())
            argv.insert(argv.end(), {"-t", spec.fstype});
        if (!spec.options.empty())
            argv.insert(argv.end(), {"-o", spec.options});
        argv.insert(argv.end(), {spec.source, spec.target});
        record(format_command_line(argv));
        return Hold::on_release([record, target = spec.target] { record(format_command_line({"umount", target})); });
    };
    runtime.encrypt = [record](const std::string& dir, const std::string&, bool reset) {
        record(fmt::format("fscrypt: encrypt {} with the volume's key{}", dir, reset ? " (reset if it differs)" : ""));
        return Hold::on_release([record, dir] { record(fmt::format("fscrypt: lock {} (its key removed)", dir)); });
    };
    runtime.is_encrypted = [](const std::string&) { return false; };
    runtime.mirror = [record](MirrorDirection direction, const std::string& dir, const s3::Location& location,
                              const s3::MirrorOptions&) {
        const auto remote = location.prefix.empty() ? location.bucket : location.bucket + "/" + location.prefix;
        record(direction == MirrorDirection::pull ? fmt::format("S3: pull {} into {}", remote, dir)
                                                  : fmt::format("S3: push {} to {}", dir, remote));
        return s3::MirrorReport{};
    };
    return runtime;
}

}  // namespace b2c::pipeline
