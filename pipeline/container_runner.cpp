#include "pipeline/container_runner.h"

#include <algorithm>
#include <charconv>

#include <spdlog/spdlog.h>

#include "common/text.h"
#include "pipeline/image_store.h"
#include "pipeline/podman_args.h"

namespace b2c::pipeline {

namespace {

constexpr std::chrono::seconds remove_timeout{60};
constexpr std::chrono::seconds prune_timeout{300};

// The id is the last line podman create prints; the pull progress before
// it goes to stderr, which we capture with it.
std::string last_line(const std::string& output)
{
    auto lines = split(output, '\n');
    for (auto it = lines.rbegin(); it != lines.rend(); ++it)
        if (auto line = trim(*it); !line.empty())
            return std::string(line);
    return {};
}

void remove_container(const Runtime& runtime, const std::string& id)
{
    if (auto result = runtime.run(remove_argv(id), remove_timeout); !result.ok())
        spdlog::warn("cannot remove container {}: {}", id, trim(result.output));
}

}  // namespace

std::optional<std::string> create_container(const Runtime& runtime, const cmdline::ContainerSpec& spec,
                                            const Status& status, bool remove_on_exit)
{
    auto delays = create_retry_delays(create_attempts);
    bool out_of_space = false;
    for (int attempt = 1; attempt <= create_attempts; ++attempt) {
        if (attempt > 1 && !out_of_space) {
            auto delay = delays[attempt - 2];
            spdlog::info("retrying in {} s (attempt {} of {})", delay.count(), attempt, create_attempts);
            runtime.sleep(delay);
        }
        // An image by ID comes from no registry: removing it would lose it.
        if (attempt == create_attempts && !runs_an_image_id(spec.args)) {
            spdlog::info("freeing the image store before the last attempt");
            runtime.run(prune_all_images_argv(), prune_timeout);
        }
        Command cmd;
        cmd.argv = create_argv(spec, status, remove_on_exit);
        cmd.stall_timeout = runtime.pull_stall_timeout;
        cmd.progress = runtime.received_bytes;
        cmd.min_progress = pull_min_progress_bytes;
        PullJournal journal(runtime.store_dir);
        journal.begin();
        auto result = runtime.run(std::move(cmd));
        journal.end();
        if (result.stalled)
            spdlog::error("the pull of '{}' received nothing for {} s: stopped", redact(spec.text, runtime.secrets),
                          runtime.pull_stall_timeout.count());
        auto id = last_line(result.output);
        if (result.ok() && !id.empty()) {
            // What podman said before the ID: the pull ("Copying blob ...
            // skipped: already exists" when the cache has it).
            for (const auto& line : split(result.output, '\n'))
                if (auto text = trim(line); !text.empty() && text != id)
                    spdlog::info("podman: {}", redact(std::string(text), runtime.secrets));
            return id;
        }
        spdlog::error("cannot create the container '{}' (exit code {}): {}", redact(spec.text, runtime.secrets),
                      result.exit_code, redact(std::string(trim(result.output)), runtime.secrets));
        // Waiting does not make room: go straight to the last attempt, the
        // one that frees the image store first.
        if (result.output.find("no space left on device") != std::string::npos) {
            out_of_space = true;
            attempt = std::max(attempt, create_attempts - 1);
        }
    }
    if (out_of_space && runtime.cache_source.empty())
        spdlog::error("giving up on the container '{}': the image store has no space left for it. Without "
                      "b2c.cache_device, images live in RAM: give the machine a cache (b2c.cache_device=auto) "
                      "or more memory, or use a smaller image",
                      redact(spec.text, runtime.secrets));
    else if (out_of_space)
        // Every unused image went before the last attempt: what fills the
        // disk now is this image, the volumes and the swap file.
        spdlog::error("giving up on the container '{}': the cache disk is full ({}), even with the images of "
                      "earlier boots removed: give b2c.cache_device a bigger disk, let volumes you no longer "
                      "need expire, or use a smaller image",
                      redact(spec.text, runtime.secrets), runtime.cache_source);
    else
        spdlog::error("giving up on the container '{}' after {} attempts: check the image name, the "
                      "registry login and the network",
                      redact(spec.text, runtime.secrets), create_attempts);
    return std::nullopt;
}

bool image_looks_damaged(const CommandResult& start)
{
    if (start.exit_code < exit_cannot_run || start.exit_code > 127)
        return false;
    for (const auto& line : split(start.output, '\n')) {
        if (!line.starts_with("Error:"))
            continue;
        const bool runtime_error =
            line.find("OCI runtime") != std::string::npos || line.find("crun:") != std::string::npos;
        const bool missing =
            (line.find("executable file") != std::string::npos && line.find("not found") != std::string::npos) ||
            line.find("no such file or directory") != std::string::npos ||
            line.find("No such file or directory") != std::string::npos;
        if (runtime_error && missing)
            return true;
    }
    return false;
}

namespace {

// Its exit code is the container's (podman's own 125 when it could not run
// it), and it removes the container, created with --rm.
CommandResult start_attached(const Runtime& runtime, const cmdline::ContainerSpec& spec, const std::string& id)
{
    Command start;
    start.argv = start_attached_argv(id, opens_stdin(spec.args));
    start.capture_output = false;  // the console is the container's terminal
    start.keep_stderr = true;      // podman's own error, if any, is read too
    return runtime.run(std::move(start));
}

}  // namespace

int run_container(const Runtime& runtime, const cmdline::ContainerSpec& spec, const Status& status)
{
    const auto text = redact(spec.text, runtime.secrets);
    spdlog::info("starting container: {}", text);
    auto id = create_container(runtime, spec, status, true);
    if (!id) {
        spdlog::error("container '{}' could not be created: counted as exit code {}", text, exit_cannot_run);
        return exit_cannot_run;
    }
    auto result = start_attached(runtime, spec, *id);
    if (image_looks_damaged(result) && !runs_an_image_id(spec.args)) {
        spdlog::warn("the image of '{}' looks damaged (files missing, as a power cut during its pull leaves it): "
                     "removing the images no container uses and pulling it again, once",
                     text);
        remove_container(runtime, *id);  // in case podman could not
        runtime.run(prune_all_images_argv(), prune_timeout);
        id = create_container(runtime, spec, status, true);
        if (!id) {
            spdlog::error("container '{}' could not be created: counted as exit code {}", text, exit_cannot_run);
            return exit_cannot_run;
        }
        result = start_attached(runtime, spec, *id);
    }
    const int code = result.exit_code < 0 ? exit_cannot_run : result.exit_code;
    spdlog::info("container exited with code {}: {}", code, text);
    return code;
}

}  // namespace b2c::pipeline
