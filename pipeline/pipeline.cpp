#include "pipeline/pipeline.h"

#include <spdlog/spdlog.h>

#include "common/console_contract.h"
#include "common/log.h"
#include "common/text.h"
#include "pipeline/cleanup.h"
#include "pipeline/container_runner.h"
#include "pipeline/image_store.h"
#include "pipeline/logins.h"
#include "pipeline/mirror_hooks.h"
#include "pipeline/podman_args.h"
#include "pipeline/pod_runner.h"
#include "pipeline/runtime.h"
#include "pipeline/services.h"
#include "pipeline/status.h"
#include "pipeline/volumes.h"

namespace b2c::pipeline {

namespace {

// Returns false when the volumes could not all be set up; the failure is
// in `status`.
// Limits of the watchdog (Runtime::watch) on the steps that are ours.
constexpr std::chrono::seconds logins_limit{600};
constexpr std::chrono::seconds volumes_limit{900};
constexpr std::chrono::seconds cleanup_limit{600};

// A previous boot died during a pull (image_store.h): its images may lack
// files. They go, with any container left; volumes stay.
void recover_from_an_interrupted_pull(const Runtime& runtime)
{
    PullJournal journal(runtime.store_dir);
    if (!journal.interrupted())
        return;
    Section section("b2c_image_store", "Image store check");
    spdlog::warn("the previous boot stopped during a pull (a power cut?): its images may miss files that never "
                 "reached the disk, so every image is removed and will be pulled again; volumes are kept");
    for (auto argv : {remove_all_containers_argv(), remove_all_images_argv()})
        if (auto result = runtime.run(argv, std::chrono::seconds(300)); !result.ok())
            spdlog::error("'{}' failed (exit code {}): {}", format_command_line(argv), result.exit_code,
                          trim(result.output));
    journal.end();
}

bool prepare(const cmdline::Config& config, const Runtime& runtime, Status& status, ActiveVolumes& volumes,
             std::vector<VolumeMirror>& mirrors)
{
    runtime.watch("image store check", volumes_limit);
    recover_from_an_interrupted_pull(runtime);
    if (!config.pipeline.logins.empty()) {
        runtime.watch("registry logins", logins_limit);
        Section section("b2c_logins", "Registry logins");
        log_in(runtime, config.pipeline.logins);
    }
    // Only a cache keeps volumes from one boot to the next: without one,
    // no expiring volume can be left over.
    const bool persistent = config.storage.cache.kind != cmdline::CacheDevice::Kind::none;
    if (config.storage.volumes.empty() && !persistent)
        return true;
    runtime.watch("volume setup", volumes_limit);
    Section section("b2c_volumes", "Volumes");
    if (persistent)
        remove_expired_volumes(runtime);
    try {
        setup_volumes(runtime, config.storage, volumes);
        mirrors = plan_mirrors(runtime, config.storage);
        return true;
    } catch (const VolumeSetupError& e) {
        spdlog::error("volume setup failed: {}; the containers of b2c.run and b2c.run_service "
                      "are skipped, b2c.run_post still runs",
                      e.what());
        record_failure(status, 1, std::string("volume setup: ") + e.what());
        return false;
    }
}

void run_runs(const cmdline::PipelineConfig& pipeline, const Runtime& runtime, Status& status, bool volumes_ready,
              MirrorHooks& mirrors)
{
    bool failed = false;
    for (const auto& spec : pipeline.runs) {
        if (!volumes_ready) {
            spdlog::warn("skipping container (volume setup or pull failed): {}", spec.text);
            continue;
        }
        if (failed && pipeline.pipefail) {
            spdlog::warn("skipping container (b2c.pipefail and a previous one failed): {}", spec.text);
            continue;
        }
        mirrors.at(cmdline::sync_container_start, status);
        int code = spec.is_pod() ? run_pod(runtime, spec) : run_container(runtime, spec, status);
        record_container(status, spec, code, true);
        runtime.report(status, false);
        mirrors.at(cmdline::sync_container_end, status);
        failed = failed || code != 0;
    }
}

void run_posts(const cmdline::PipelineConfig& pipeline, const Runtime& runtime, Status& status)
{
    for (const auto& spec : pipeline.posts) {
        record_container(status, spec, run_container(runtime, spec, status), false);
        runtime.report(status, false);
    }
}

void log_summary(const Status& status)
{
    if (status.status == 0)
        spdlog::info("pipeline succeeded; shutdown mode: {}", to_string(status.shutdown_mode));
    else
        spdlog::error("pipeline failed with status {} (failed by: {}); shutdown mode: {}", status.status,
                      status.failed_by, to_string(status.shutdown_mode));
}

}  // namespace

Status run_pipeline(const cmdline::Config& config, const Runtime& given)
{
    Runtime runtime = given;
    runtime.pull_stall_timeout = config.pipeline.pull_stall_timeout;
    Status status;
    runtime.report(status, false);
    ActiveVolumes volumes;
    std::vector<VolumeMirror> mirror_plans;
    bool volumes_ready = prepare(config, runtime, status, volumes, mirror_plans);
    const bool mirrored = !mirror_plans.empty();
    // From here on, pulls (which watch their own progress), containers and
    // transfers (which have their own retries) take the time they need.
    runtime.watch("", std::chrono::seconds(0));
    // Only volumes that were all set up are mirrored: a volume left locked
    // or unmounted would look empty, and a push with `remove` would empty
    // the bucket.
    MirrorHooks mirrors(runtime, std::move(mirror_plans));
    if (mirrored) {
        Section section("b2c_mirror_start", "S3 mirror: pipeline start");
        // A volume that could not be filled is not given to the containers.
        volumes_ready = mirrors.at(cmdline::sync_pipeline_start, status);
        if (volumes_ready)
            mirrors.start_watching();
    }

    Services services;
    if (volumes_ready && !config.pipeline.services.empty()) {
        Section section("b2c_services", "Services");
        services = start_services(runtime, config.pipeline.services, status);
    }
    run_runs(config.pipeline, runtime, status, volumes_ready, mirrors);
    run_posts(config.pipeline, runtime, status);

    if (!services.empty() || mirrored) {
        Section section("b2c_pipeline_end", "End of the pipeline");
        stop_services(runtime, services);
        // The watchers' last push ends before the final one starts.
        mirrors.stop_watching();
        mirrors.at(cmdline::sync_pipeline_end, status);
    }
    log_summary(status);
    // The line farm executors wait for (cmdline.md, "Console contract").
    spdlog::info("{}{}", console_contract::status_line, status.status);
    runtime.report(status, true);
    {
        runtime.watch("clean-up", cleanup_limit);
        Section section("b2c_cleanup", "Clean-up");
        clean_up(runtime);
        volumes.release(runtime);  // keys, unmounts, then expired volumes
    }
    runtime.watch("", std::chrono::seconds(0));
    return status;
}

Status run_pipeline(const cmdline::Config& config)
{
    Runtime runtime;
    runtime.secrets = config.secrets();
    return run_pipeline(config, runtime);
}

}  // namespace b2c::pipeline
