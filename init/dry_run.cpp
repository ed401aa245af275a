#include "init/dry_run.h"

#include <ostream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "cmdline/config.h"
#include "pipeline/pipeline.h"

namespace b2c::init {
namespace {

// Diagnostics go to `out` as "error: ..." and "warning: ...", through the
// same printer as a boot's.
std::shared_ptr<spdlog::logger> logger_into(std::ostream& out)
{
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    auto logger = std::make_shared<spdlog::logger>("dry-run", sink);
    logger->set_pattern("%l: %v");
    return logger;
}

}  // namespace

int dry_run(const std::string& kernel_cmdline, std::ostream& out)
{
    auto previous = spdlog::default_logger();
    spdlog::set_default_logger(logger_into(out));
    auto config = cmdline::parse_config(kernel_cmdline);
    cmdline::log_diagnostics(config);
    if (config.has_errors()) {
        spdlog::set_default_logger(previous);
        out << "The command line has errors: a machine booted with it would power off without "
               "running the pipeline.\n";
        return 1;
    }
    out << "# Configuration\n" << cmdline::describe(config) << '\n';
    // The real pipeline, with a runtime that runs nothing; its own log is
    // not the plan.
    std::vector<std::string> steps;
    spdlog::default_logger()->set_level(spdlog::level::off);
    pipeline::run_pipeline(config, pipeline::recording_runtime(steps, config.secrets()));
    spdlog::set_default_logger(previous);
    out << "# What the pipeline would run (if every container exits 0)\n";
    for (const auto& step : steps)
        out << step << '\n';
    return 0;
}

}  // namespace b2c::init
