#include "pipeline/mirror_hooks.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/text.h"
#include "pipeline/status.h"
#include "pipeline/volumes.h"

namespace b2c::pipeline {

namespace {

// How many failed files a log line names; the engine logs each one anyway.
constexpr std::size_t named_failures = 10;

std::string location_name(const cmdline::S3Location& location)
{
    return location.prefix.empty() ? fmt::format("{}/{}", location.alias, location.bucket)
                                   : fmt::format("{}/{}/{}", location.alias, location.bucket, location.prefix);
}

s3::Location resolve(const cmdline::StorageConfig& storage, const cmdline::VolumeConfig& volume,
                     const cmdline::S3Location& location)
{
    auto alias = std::find_if(storage.s3_aliases.begin(), storage.s3_aliases.end(),
                              [&](const auto& a) { return a.alias == location.alias; });
    if (alias == storage.s3_aliases.end())  // the parser refuses it; kept for safety
        throw VolumeSetupError(fmt::format("{}: the S3 alias {} is not declared", volume.name, location.alias));
    s3::Endpoint endpoint;
    endpoint.url = alias->url;
    endpoint.access_key = alias->access_key;
    endpoint.secret_key = alias->secret_key;
    return {std::move(endpoint), location.bucket, location.prefix};
}

const char* condition_name(cmdline::SyncCondition condition)
{
    switch (condition) {
    case cmdline::sync_pipeline_start: return "pipeline_start";
    case cmdline::sync_container_start: return "container_start";
    case cmdline::sync_container_end: return "container_end";
    case cmdline::sync_pipeline_end: return "pipeline_end";
    case cmdline::sync_changes: return "changes";
    }
    return "?";
}

std::string summary(const std::vector<std::string>& failed)
{
    std::vector<std::string> shown(
        failed.begin(), failed.begin() + static_cast<std::ptrdiff_t>(std::min(failed.size(), named_failures)));
    auto text = join(shown, "; ");
    if (failed.size() > shown.size())
        text += fmt::format("; and {} more", failed.size() - shown.size());
    return text;
}

}  // namespace

std::vector<VolumeMirror> plan_mirrors(const Runtime& runtime, const cmdline::StorageConfig& storage)
{
    std::vector<VolumeMirror> mirrors;
    for (const auto& volume : storage.volumes) {
        if (!(volume.pull_from && volume.pull_on) && !(volume.push_to && volume.push_on))
            continue;
        VolumeMirror mirror;
        mirror.volume = volume.name;
        mirror.directory = volume_mountpoint(runtime, volume.name);
        if (volume.pull_from) {
            mirror.pull_from = resolve(storage, volume, *volume.pull_from);
            mirror.pull_name = location_name(*volume.pull_from);
            mirror.pull_on = volume.pull_on;
        }
        if (volume.push_to) {
            mirror.push_to = resolve(storage, volume, *volume.push_to);
            mirror.push_name = location_name(*volume.push_to);
            mirror.push_on = volume.push_on;
        }
        mirror.options.overwrite = volume.overwrite;
        mirror.options.remove = volume.remove;
        mirror.options.exclude = volume.exclude;
        mirror.options.preserve = volume.preserve;
        mirror.options.sse_c_key = volume.encrypt_key;
        // Podman's local volumes are VOLUME/_data: VOLUME holds the record,
        // which no container sees and `podman volume rm` takes along.
        std::filesystem::path directory(mirror.directory);
        if (directory.filename() == "_data")
            mirror.options.record_dir = directory.parent_path();
        mirrors.push_back(std::move(mirror));
    }
    return mirrors;
}

MirrorHooks::MirrorHooks(const Runtime& runtime, std::vector<VolumeMirror> mirrors, SettleTiming timing)
    : runtime_(runtime), timing_(timing)
{
    for (auto& mirror : mirrors) {
        auto volume = std::make_unique<Volume>();
        volume->mirror = std::move(mirror);
        volumes_.push_back(std::move(volume));
    }
}

MirrorHooks::~MirrorHooks()
{
    stop_watching();
}

bool MirrorHooks::pull(Volume& volume, Status& status)
{
    const auto& m = volume.mirror;
    std::lock_guard lock(volume.busy);
    spdlog::info("volume {}: pulling from {}", m.volume, m.pull_name);
    std::string failure;
    try {
        auto report = runtime_.mirror(MirrorDirection::pull, m.directory, *m.pull_from, m.options);
        if (report.ok())
            return true;
        failure = fmt::format("{} file(s) not pulled: {}", report.failed.size(), summary(report.failed));
    } catch (const std::exception& e) {
        failure = e.what();
    }
    volume.pull_failed = true;
    spdlog::error("volume {}: the pull from {} failed: {}; this volume will not be pushed in this boot "
                  "(its directory is incomplete)",
                  m.volume, m.pull_name, failure);
    record_failure(status, 1, fmt::format("pull of volume {} from {}: {}", m.volume, m.pull_name, failure));
    return false;
}

std::optional<std::string> MirrorHooks::push(Volume& volume, const char* why)
{
    const auto& m = volume.mirror;
    std::lock_guard lock(volume.busy);  // before the check: a pull may be failing right now
    if (volume.pull_failed) {
        spdlog::warn("volume {}: not pushed to {} ({}): its pull failed", m.volume, m.push_name, why);
        return std::nullopt;
    }
    spdlog::info("volume {}: pushing to {} ({})", m.volume, m.push_name, why);
    try {
        auto report = runtime_.mirror(MirrorDirection::push, m.directory, *m.push_to, m.options);
        if (report.ok())
            return std::nullopt;
        return fmt::format("{} file(s) did not reach the bucket, they are still on the volume: {}",
                           report.failed.size(), summary(report.failed));
    } catch (const std::exception& e) {
        return fmt::format("{}; the files are still on the volume", e.what());
    }
}

bool MirrorHooks::at(cmdline::SyncCondition condition, Status& status)
{
    bool pulled = true;
    for (auto& volume : volumes_)
        if (volume->mirror.pull_on & condition)
            pulled = pull(*volume, status) && pulled;
    const bool final_push = condition == cmdline::sync_pipeline_end;
    for (auto& volume : volumes_) {
        const auto on = volume->mirror.push_on;
        if (!(on & condition) && !(final_push && (on & cmdline::sync_changes)))
            continue;
        if (auto failure = push(*volume, condition_name(condition))) {
            spdlog::error("volume {}: the push to {} failed: {}", volume->mirror.volume, volume->mirror.push_name,
                          *failure);
            record_failure(
                status, 1,
                fmt::format("push of volume {} to {}: {}", volume->mirror.volume, volume->mirror.push_name, *failure));
        }
    }
    return pulled;
}

void MirrorHooks::start_watching()
{
    for (auto& volume : volumes_) {
        if (!(volume->mirror.push_on & cmdline::sync_changes) || volume->pull_failed || volume->watcher)
            continue;
        Volume* v = volume.get();
        try {
            v->watcher = std::make_unique<ChangeWatcher>(
                v->mirror.directory,
                [this, v] {
                    if (auto failure = push(*v, "changes"))
                        spdlog::warn("volume {}: {}; the push at the pipeline's end tries again", v->mirror.volume,
                                     *failure);
                },
                timing_);
            spdlog::info("volume {}: pushing its changes to {} as they happen", v->mirror.volume, v->mirror.push_name);
        } catch (const std::exception& e) {
            spdlog::warn("volume {}: {}; it is pushed at the pipeline's end only", v->mirror.volume, e.what());
        }
    }
}

void MirrorHooks::stop_watching()
{
    for (auto& volume : volumes_)
        volume->watcher.reset();
}

}  // namespace b2c::pipeline
