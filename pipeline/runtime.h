// What the pipeline needs from the outside world, injectable so that the
// orchestration can be unit-tested without podman, sleeping or mounting.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/run_command.h"
#include "pipeline/status.h"
#include "storage/fscrypt.h"
#include "storage/mounts.h"
#include "storage/s3/mirror.h"

namespace b2c::pipeline {

enum class MirrorDirection { pull, push };

// What the pipeline holds until its clean-up (a mount, an fscrypt key),
// released (unmounted, locked) when the last copy is destroyed.
class Hold {
public:
    Hold() = default;
    template <typename Held>
    explicit Hold(Held held) : held_(std::make_shared<Held>(std::move(held)))
    {
    }
    // Runs `release` when the hold goes (the dry run records it).
    static Hold on_release(std::function<void()> release);

private:
    std::shared_ptr<void> held_;  // destroys the Held it was made from
};

struct Runtime {
    std::function<CommandResult(const Command&)> execute = run_command;
    std::function<void(std::chrono::seconds)> sleep = default_sleep;
    std::function<Hold(const storage::MountSpec&)> mount = default_mount;
    // storage::ensure_encrypted_directory(dir, raw_key, reset)
    std::function<Hold(const std::string&, const std::string&, bool)> encrypt = default_encrypt;
    // Whether `dir` has an fscrypt policy (false when it does not exist).
    std::function<bool(const std::string&)> is_encrypted = default_is_encrypted;
    // s3::pull(location -> dir) or s3::push(dir -> location).
    std::function<s3::MirrorReport(MirrorDirection, const std::string&, const s3::Location&, const s3::MirrorOptions&)>
        mirror = default_mirror;
    // The body of a b2c.kube URL: http(s):// through netcfg::http_get (the
    // client of b2c.extra_args_url: retries, TLS verified, 1 MiB at most),
    // file:///PATH read from the machine. Throws with the reason, naming
    // the URL or the file.
    std::function<std::string(const std::string& url)> fetch = default_fetch;
    // pod_cgroup.h's lift_device_filter(cgroup_dir), for a pod before it starts.
    std::function<int(const std::string&)> lift_device_filter = default_lift_device_filter;
    std::vector<std::string> secrets;  // redacted from every command's logs
    // podman's store (image_store.h's journal lives there); empty: none on disk.
    std::string store_dir;
    // What holds the store: the cache's source ("/dev/vda1", "nfs:/export");
    // empty: RAM. Named when the store runs out of space.
    std::string cache_source;
    // Bytes the machine received so far: a pull that receives nothing for
    // `pull_stall_timeout` is stopped.
    std::function<std::uint64_t()> received_bytes = default_received_bytes;
    std::chrono::seconds pull_stall_timeout{600};
    // The boot's bookkeeping (init wires them; no-ops by default): the
    // current step and how long it may take (0: no limit), and the
    // pipeline's status so far (`over` once its last line is printed).
    std::function<void(std::string_view step, std::chrono::seconds limit)> watch = [](std::string_view,
                                                                                      std::chrono::seconds) {};
    std::function<void(const Status& status, bool over)> report = [](const Status&, bool) {};

    // Runs `cmd` through `execute` with our secrets. A program that cannot
    // be started gives exit code 127 and the reason as output, never throws.
    CommandResult run(Command cmd) const;
    // The same for a captured command with a timeout, the common case.
    CommandResult run(std::vector<std::string> argv, std::chrono::seconds timeout) const;

    static void default_sleep(std::chrono::seconds duration);
    static std::uint64_t default_received_bytes();
    static std::string default_fetch(const std::string& url);
    static int default_lift_device_filter(const std::string& cgroup_dir);
    static Hold default_mount(const storage::MountSpec& spec);
    static Hold default_encrypt(const std::string& dir, const std::string& raw_key, bool reset);
    static bool default_is_encrypted(const std::string& dir);
    static s3::MirrorReport default_mirror(MirrorDirection direction, const std::string& dir,
                                           const s3::Location& location, const s3::MirrorOptions& options);
};

// run_pipeline with the outside world given.
Status run_pipeline(const cmdline::Config& config, const Runtime& runtime);

}  // namespace b2c::pipeline
