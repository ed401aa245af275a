// `b2c-init --dry-run`: the very same parser and pipeline planner as a boot,
// on any Linux host, without root, so a farm's command line can be checked
// before 50 machines boot with it.
#pragma once

#include <iosfwd>
#include <string>

namespace b2c::init {

// Prints the diagnostics, the parsed configuration and the podman command
// lines. Returns 0, or 1 when the command line has errors.
int dry_run(const std::string& kernel_cmdline, std::ostream& out);

}  // namespace b2c::init
