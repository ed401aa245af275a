// `b2c-init --dry-run`: the very same parser and pipeline planner as a boot,
// on any Linux host, without root, so a farm's command line can be checked
// before 50 machines boot with it.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace b2c::init {

// Prints the diagnostics, the parsed configuration and the podman command
// lines. `extra_args`: the text a b2c.extra_args_url would download, merged
// as a boot merges it (what comes too late for its phase is warned about).
// Returns 0, or 1 when the command line (or the file) has errors.
int dry_run(const std::string& kernel_cmdline, const std::optional<std::string>& extra_args, std::ostream& out);

}  // namespace b2c::init
