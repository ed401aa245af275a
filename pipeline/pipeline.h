// pipeline's public header. The podman driver: turns the containers of the
// Config into podman invocations and runs them in the order of
// docs/cmdline.md, section "Order of a boot", step 5. The outside world
// comes in through a Runtime (runtime.h): the real one, or one that records
// every step for the dry run (recording_runtime.h).
#pragma once

#include <string>
#include <vector>

#include "cmdline/config.h"
#include "pipeline/recording_runtime.h"
#include "pipeline/runtime.h"
#include "pipeline/status.h"

namespace b2c::pipeline {

// Runs the whole pipeline (logins, volumes, services, runs, posts,
// clean-up) with the real outside world. Never throws for a container's
// failure: it is in the Status.
Status run_pipeline(const cmdline::Config& config);

}  // namespace b2c::pipeline
