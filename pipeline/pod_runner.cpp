#include "pipeline/pod_runner.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <exception>
#include <initializer_list>
#include <string_view>

#include <spdlog/spdlog.h>

#include "common/redaction.h"
#include "common/text.h"
#include "pipeline/container_runner.h"
#include "pipeline/image_store.h"
#include "pipeline/podman_args.h"

namespace b2c::pipeline {

namespace {

// podman kube down stops each container with podman's 10 s grace period.
constexpr std::chrono::seconds down_timeout{120};
constexpr std::chrono::seconds inspect_timeout{60};
// Starting runs each container's OCI runtime, not its program to its end.
constexpr std::chrono::seconds start_timeout{300};

bool is_container_id(std::string_view word)
{
    return word.size() == 64 && std::all_of(word.begin(), word.end(),
                                            [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

void tear_down(const Runtime& runtime, const std::string& yaml, bool warn)
{
    Command down;
    down.argv = kube_down_argv();
    down.stdin_data = yaml;
    down.timeout = down_timeout;
    if (auto result = runtime.run(std::move(down)); !result.ok() && warn)
        spdlog::warn("cannot tear the pod down (exit code {}): {}", result.exit_code,
                     redact(std::string(trim(result.output)), runtime.secrets));
}

// The YAML as podman kube play reads it: from stdin, with our options.
Command play_command(const Runtime& runtime, const cmdline::ContainerSpec& spec, const std::string& yaml)
{
    Command cmd;
    cmd.argv = kube_play_argv(spec);
    cmd.stdin_data = yaml;
    cmd.stall_timeout = runtime.pull_stall_timeout;  // it pulls the images
    cmd.progress = runtime.received_bytes;
    cmd.min_progress = pull_min_progress_bytes;
    return cmd;
}

// Lifts the device filter of each pod's cgroup (pod_cgroup.h), then starts
// it. False when one could not be started (logged).
bool start_pods(const Runtime& runtime, const std::vector<std::string>& pods, const std::string& text)
{
    for (const auto& pod : pods) {
        auto cgroup = runtime.run(pod_cgroup_argv(pod), inspect_timeout);
        if (auto path = trim(cgroup.output); cgroup.ok() && path.starts_with("/")) {
            try {
                const auto dir = "/sys/fs/cgroup" + std::string(path);
                if (int lifted = runtime.lift_device_filter(dir); lifted > 0)
                    spdlog::info("{} device filter(s) detached from {}", lifted, dir);
            } catch (const std::exception& e) {
                spdlog::warn("{}: the pod's containers may fail to create /dev/null", e.what());
            }
        } else {
            spdlog::warn("cannot find the cgroup of pod {} (exit code {}): {}", pod, cgroup.exit_code, path);
        }
        if (auto started = runtime.run(pod_start_argv(pod), start_timeout); !started.ok()) {
            spdlog::error("cannot start the pod of '{}' (exit code {}): {}", text, started.exit_code,
                          redact(std::string(trim(started.output)), runtime.secrets));
            return false;
        }
    }
    return true;
}

// Plays the YAML, retried like a create. Returns the containers' ids, or
// nothing after the last failure (logged).
std::optional<std::vector<std::string>> play(const Runtime& runtime, const cmdline::ContainerSpec& spec,
                                             const std::string& yaml)
{
    const auto text = redact(spec.text, runtime.secrets);
    auto delays = create_retry_delays(create_attempts);
    for (int attempt = 1; attempt <= create_attempts; ++attempt) {
        if (attempt > 1) {
            auto delay = delays[attempt - 2];
            spdlog::info("retrying in {} s (attempt {} of {})", delay.count(), attempt, create_attempts);
            runtime.sleep(delay);
        }
        PullJournal journal(runtime.store_dir);
        journal.begin();
        auto result = runtime.run(play_command(runtime, spec, yaml));
        journal.end();
        auto ids = played_containers(result.output);
        const auto output = redact(std::string(trim(result.output)), runtime.secrets);
        if (result.ok()) {
            for (const auto& line : split(output, '\n'))
                if (auto word = trim(line); !word.empty() && !is_container_id(word) && !word.ends_with(":"))
                    spdlog::info("podman: {}", word);  // the pull, without the ids' headings
            if (!start_pods(runtime, played_pods(result.output), text)) {
                tear_down(runtime, yaml, false);
                return std::nullopt;
            }
            return ids;
        }
        if (result.stalled)
            spdlog::error("the pull of the images of '{}' received nothing for {} s: stopped", text,
                          runtime.pull_stall_timeout.count());
        spdlog::error("podman kube play refused the pod of '{}' (exit code {}): {}", text, result.exit_code, output);
        tear_down(runtime, yaml, false);  // what it created before failing, if anything
        if (!result.stalled && !play_failure_is_transient(result.output)) {
            spdlog::error("giving up on the pod of '{}': podman refuses its YAML ({}), which another attempt "
                          "would not change",
                          text, spec.kube_url);
            return std::nullopt;
        }
    }
    spdlog::error("giving up on the pod of '{}' after {} attempts: check its images' names, the registry login "
                  "and the network",
                  text, create_attempts);
    return std::nullopt;
}

std::optional<std::string> fetch_yaml(const Runtime& runtime, const cmdline::ContainerSpec& spec)
{
    try {
        return runtime.fetch(spec.kube_url);
    } catch (const std::exception& e) {
        // Runtime::fetch's reasons name the URL (or the file) already.
        spdlog::error("cannot fetch the pod's YAML: {}", redact(e.what(), runtime.secrets));
        return std::nullopt;
    }
}

// The exit codes `podman wait` printed, one a line; nothing when it did
// not print one per container.
std::optional<std::vector<int>> exit_codes(const std::string& output, std::size_t containers)
{
    std::vector<int> codes;
    for (const auto& line : split(output, '\n')) {
        auto word = trim(line);
        if (word.empty())
            continue;
        int code = 0;
        auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), code);
        if (error != std::errc() || end != word.data() + word.size())
            return std::nullopt;
        codes.push_back(code);
    }
    if (codes.size() != containers)
        return std::nullopt;
    return codes;
}

}  // namespace

namespace {

// The ids listed after a heading ("Pod:", "Containers:"), each listing.
std::vector<std::string> ids_after(const std::string& output, std::initializer_list<std::string_view> headings)
{
    std::vector<std::string> ids;
    bool listing = false;
    for (const auto& line : split(output, '\n')) {
        auto word = trim(line);
        if (std::find(headings.begin(), headings.end(), word) != headings.end())
            listing = true;
        else if (listing && is_container_id(word))
            ids.emplace_back(word);
        else if (!word.empty())
            listing = false;
    }
    return ids;
}

}  // namespace

std::vector<std::string> played_containers(const std::string& output)
{
    return ids_after(output, {"Containers:", "Container:"});
}

std::vector<std::string> played_pods(const std::string& output)
{
    return ids_after(output, {"Pod:"});
}

bool play_failure_is_transient(const std::string& output)
{
    // What podman (containers/image) says when a registry cannot be reached
    // or an image cannot be pulled.
    static constexpr std::array<std::string_view, 10> transient{
        "initializing source",
        "pinging container registry",
        "connection refused",
        "i/o timeout",
        "no route to host",
        "network is unreachable",
        "timeout",
        "reading manifest",
        "reading blob",
        "unexpected eof",
    };
    std::string lower = output;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return std::any_of(transient.begin(), transient.end(),
                       [&](std::string_view what) { return lower.find(what) != std::string::npos; });
}

int run_pod(const Runtime& runtime, const cmdline::ContainerSpec& spec)
{
    const auto text = redact(spec.text, runtime.secrets);
    spdlog::info("starting pod: {}", text);
    auto yaml = fetch_yaml(runtime, spec);
    auto ids = yaml ? play(runtime, spec, *yaml) : std::nullopt;
    if (!ids) {
        spdlog::error("pod '{}' could not be played: counted as exit code {}", text, exit_cannot_run);
        return exit_cannot_run;
    }
    int code = 0;
    if (!ids->empty()) {
        Command logs;
        logs.argv = logs_follow_argv(*ids);
        logs.capture_output = false;  // the console shows the pod's output as it comes
        runtime.run(std::move(logs));
        Command wait;
        wait.argv = wait_argv(*ids);
        auto waited = runtime.run(std::move(wait));
        auto codes = waited.ok() ? exit_codes(waited.output, ids->size()) : std::nullopt;
        if (!codes) {
            spdlog::error("cannot read the exit codes of the pod of '{}' (exit code {}): {}", text, waited.exit_code,
                          trim(waited.output));
            code = exit_cannot_run;
        } else if (auto failed = std::find_if(codes->begin(), codes->end(), [](int c) { return c != 0; });
                   failed != codes->end()) {
            code = *failed;
        }
    }
    stop_pod(runtime, *yaml);
    spdlog::info("pod '{}' ended with exit code {}", text, code);
    return code;
}

std::optional<std::string> start_pod_service(const Runtime& runtime, const cmdline::ContainerSpec& spec)
{
    const auto text = redact(spec.text, runtime.secrets);
    spdlog::info("starting service pod: {}", text);
    auto yaml = fetch_yaml(runtime, spec);
    if (!yaml || !play(runtime, spec, *yaml)) {
        spdlog::error("service pod '{}' could not be played; going on without it", text);
        return std::nullopt;
    }
    return yaml;
}

void stop_pod(const Runtime& runtime, const std::string& yaml)
{
    tear_down(runtime, yaml, true);
}

}  // namespace b2c::pipeline
