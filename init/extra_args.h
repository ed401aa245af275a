// b2c.extra_args_url: more options, downloaded once the network is up and
// applied as if they had been on the kernel command line.
#pragma once

#include <string>

#include "cmdline/config.h"

namespace b2c::init {

// Downloads the options and returns the configuration of `kernel_line`
// followed by them. Options whose phase has already run (network, cache,
// modules, ...) are reported as too late. Throws std::runtime_error when the
// download fails or the downloaded options have errors: the pipeline must
// not run with half a configuration.
cmdline::Config apply_extra_args(const std::string& kernel_line, const cmdline::Config& config);

}  // namespace b2c::init
