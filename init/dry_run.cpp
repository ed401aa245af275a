#include "init/dry_run.h"

#include <ostream>

#include "cmdline/config.h"
#include "common/run_command.h"
#include "pipeline/pipeline.h"

namespace b2c::init {

int dry_run(const std::string& kernel_cmdline, std::ostream& out)
{
    auto config = cmdline::parse_config(kernel_cmdline);
    for (const auto& d : config.diagnostics)
        out << (d.severity == cmdline::Diagnostic::Severity::error ? "error: " : "warning: ")
            << d.message << '\n';
    if (config.has_errors()) {
        out << "The command line has errors: a machine booted with it would power off without "
               "running the pipeline.\n";
        return 1;
    }
    out << "# Configuration\n" << cmdline::describe(config) << '\n';
    out << "# Podman command lines (if every container exits 0)\n";
    for (const auto& argv : pipeline::plan_pipeline(config))
        out << format_command_line(argv) << '\n';
    return 0;
}

}  // namespace b2c::init
