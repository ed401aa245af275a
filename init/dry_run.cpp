#include "init/dry_run.h"

#include <ostream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "cmdline/config.h"
#include "init/boot_phases.h"
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

// The configuration a boot ends with: the command line's, or the command line
// and the extra-args file merged after the phases that come before it.
cmdline::Config configuration(const std::string& kernel_cmdline, const std::optional<std::string>& extra_args)
{
    Boot boot;
    boot.config = cmdline::parse_config(kernel_cmdline);
    if (!extra_args || boot.config.has_errors())
        return std::move(boot.config);
    return cmdline::with_extra_args(kernel_cmdline, *extra_args, read_before("extra_args", boot));
}

}  // namespace

int dry_run(const std::string& kernel_cmdline, const std::optional<std::string>& extra_args, std::ostream& out)
{
    auto previous = spdlog::default_logger();
    spdlog::set_default_logger(logger_into(out));
    auto config = configuration(kernel_cmdline, extra_args);
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
