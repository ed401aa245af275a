// b2c.extra_args_url: more options, downloaded once the network is up and
// applied as if they had been on the kernel command line.
#pragma once

#include <string>
#include <vector>

#include "cmdline/config.h"

namespace b2c::init {

// Downloads the options and returns the configuration of `kernel_line`
// followed by them (cmdline::with_extra_args: options read by the phases in
// `done` are warned about and left out). Prints the file with its secrets
// masked, and the diagnostics. Throws std::runtime_error when the download
// fails or the options have errors: the pipeline must not run with half a
// configuration.
cmdline::Config apply_extra_args(const std::string& kernel_line, const std::string& url,
                                 const std::vector<cmdline::ReadIn>& done);

}  // namespace b2c::init
