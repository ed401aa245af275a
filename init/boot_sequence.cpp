#include "init/boot_sequence.h"

#include <spdlog/spdlog.h>

#include "common/console_contract.h"
#include "init/boot_phases.h"
#include "init/boot_report.h"
#include "init/phase.h"
#include "pipeline/pipeline.h"

namespace b2c::init {
namespace {

void failed_boot(std::string_view reason)
{
    spdlog::error("{}: the pipeline was not run", reason);
}

// The pipeline's runtime, wired to the boot report: its status for PID 1,
// and the watchdog around the steps that are ours (containers and pulls
// have no limit: they are the user's, and pulls watch their own progress).
pipeline::Runtime pipeline_runtime(const cmdline::Config& config, const storage::Storage& storage)
{
    pipeline::Runtime runtime;
    runtime.secrets = config.secrets();
    runtime.store_dir = "/var/lib/containers";
    if (storage.cache)
        runtime.cache_source = storage.cache->source();
    runtime.watch = [](std::string_view step, std::chrono::seconds limit) { watch_step(step, limit); };
    runtime.report = [&config](const pipeline::Status& status, bool over) {
        report_pipeline(over ? PipelineProgress::over : PipelineProgress::running, status.status);
        report_pipeline_env(pipeline::pipeline_env(status));
        report_session_end(config.machine, status.shutdown_mode == pipeline::ShutdownMode::reboot);
    };
    return runtime;
}

}  // namespace

void run_boot_sequence()
{
    Boot boot;
    try {
        for (const auto& phase : boot_phases()) {
            if (!phase.wanted(boot))
                continue;
            bool ok = run_phase(std::string(phase.id), std::string(phase.title), phase.limit, [&] { phase.run(boot); });
            if (!ok && phase.fatal_because)
                return failed_boot(*phase.fatal_because);
        }
        const auto& pipeline = boot.config.pipeline;
        if (pipeline.runs.empty() && pipeline.services.empty() && pipeline.posts.empty()) {
            spdlog::info("no container to run (b2c.run, b2c.run_service, b2c.run_post)");
            // An empty pipeline succeeded: farms' jobs without a container
            // (ci-tron's cache reset) wait for this line.
            spdlog::info("{}0", console_contract::status_line);
            report_pipeline(PipelineProgress::over, 0);
            report_pipeline_env(pipeline::pipeline_env({}));
            return;
        }
        pipeline::run_pipeline(boot.config, pipeline_runtime(boot.config, boot.storage));  // sections of its own
    } catch (const std::exception& e) {
        failed_boot(fmt::format("the boot sequence failed: {}", e.what()));
    } catch (...) {
        failed_boot("the boot sequence failed with an unknown exception");
    }
}

}  // namespace b2c::init
