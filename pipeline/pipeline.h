// The podman driver: turns the containers of the Config into podman
// invocations and runs them in the order of shared/spec/cmdline.md, section
// "Order of a boot", step 5.
#pragma once

#include <string>
#include <vector>

#include "cmdline/config.h"

namespace b2c::pipeline {

enum class ShutdownMode { default_mode, reboot, poweroff };
std::string to_string(ShutdownMode mode);  // "default", "reboot", "poweroff"

// What the pipeline reports to the shutdown, and to every container through
// the B2C_PIPELINE_* environment variables.
struct Status {
    int status = 0;                    // 0, or the exit code of the first failed `run`
    std::string failed_by;             // the arguments of that container
    std::string prev_container;        // arguments of the last container that ran
    int prev_container_exit_code = 0;
    ShutdownMode shutdown_mode = ShutdownMode::default_mode;
};

// Runs the whole pipeline (logins, volumes, services, runs, posts,
// clean-up). Never throws for a container's failure: it is in the Status.
Status run_pipeline(const cmdline::Config& config);

// The podman command lines run_pipeline would run if every container exited
// 0, for `b2c-init --dry-run`. Secrets are replaced by ***.
std::vector<std::vector<std::string>> plan_pipeline(const cmdline::Config& config);

}  // namespace b2c::pipeline
