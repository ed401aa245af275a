#include "pipeline/pipeline.h"

#include <spdlog/spdlog.h>

#include "common/log.h"
#include "pipeline/cleanup.h"
#include "pipeline/container_runner.h"
#include "pipeline/logins.h"
#include "pipeline/runtime.h"
#include "pipeline/services.h"
#include "pipeline/status.h"
#include "pipeline/volumes.h"

namespace b2c::pipeline {

namespace {

// Returns false when the volumes could not all be set up; the failure is
// in `status`.
bool prepare(const cmdline::Config& config, const Runtime& runtime, Status& status, ActiveVolumes& volumes)
{
    if (!config.pipeline.logins.empty()) {
        Section section("b2c_logins", "Registry logins");
        log_in(runtime, config.pipeline.logins);
    }
    // Only a cache keeps volumes from one boot to the next: without one,
    // no expiring volume can be left over.
    const bool persistent = config.storage.cache.kind != cmdline::CacheDevice::Kind::none;
    if (config.storage.volumes.empty() && !persistent)
        return true;
    Section section("b2c_volumes", "Volumes");
    if (persistent)
        remove_expired_volumes(runtime);
    try {
        setup_volumes(runtime, config.storage, volumes);
        return true;
    } catch (const VolumeSetupError& e) {
        spdlog::error("volume setup failed: {}; the containers of b2c.run and b2c.run_service "
                      "are skipped, b2c.run_post still runs",
                      e.what());
        record_failure(status, 1, std::string("volume setup: ") + e.what());
        return false;
    }
}

void run_runs(const cmdline::PipelineConfig& pipeline, const Runtime& runtime, Status& status,
              bool volumes_ready)
{
    bool failed = false;
    for (const auto& spec : pipeline.runs) {
        if (!volumes_ready) {
            spdlog::warn("skipping container (volume setup failed): {}", spec.text);
            continue;
        }
        if (failed && pipeline.pipefail) {
            spdlog::warn("skipping container (b2c.pipefail and a previous one failed): {}",
                         spec.text);
            continue;
        }
        int code = run_container(runtime, spec, status);
        record_container(status, spec, code, true);
        failed = failed || code != 0;
    }
}

void run_posts(const cmdline::PipelineConfig& pipeline, const Runtime& runtime, Status& status)
{
    for (const auto& spec : pipeline.posts)
        record_container(status, spec, run_container(runtime, spec, status), false);
}

void log_summary(const Status& status)
{
    if (status.status == 0)
        spdlog::info("pipeline succeeded; shutdown mode: {}", to_string(status.shutdown_mode));
    else
        spdlog::error("pipeline failed with status {} (failed by: {}); shutdown mode: {}",
                      status.status, status.failed_by, to_string(status.shutdown_mode));
}

}  // namespace

Status run_pipeline(const cmdline::Config& config, const Runtime& runtime)
{
    Status status;
    ActiveVolumes volumes;
    bool volumes_ready = prepare(config, runtime, status, volumes);

    std::vector<std::string> services;
    if (volumes_ready && !config.pipeline.services.empty()) {
        Section section("b2c_services", "Services");
        services = start_services(runtime, config.pipeline.services, status);
    }
    run_runs(config.pipeline, runtime, status, volumes_ready);
    run_posts(config.pipeline, runtime, status);

    {
        Section section("b2c_cleanup", "Clean-up");
        stop_services(runtime, services);
        clean_up(runtime);
        volumes.release(runtime);  // keys, unmounts, then expired volumes
    }
    log_summary(status);
    return status;
}

Status run_pipeline(const cmdline::Config& config)
{
    Runtime runtime;
    runtime.secrets = config.secrets();
    return run_pipeline(config, runtime);
}

}  // namespace b2c::pipeline
