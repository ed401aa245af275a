// The pipeline's Status: what it reports to the shutdown, and to every
// container through the B2C_PIPELINE_* environment variables; and how each
// finished container changes it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cmdline/config.h"

namespace b2c::pipeline {

enum class ShutdownMode { default_mode, reboot, poweroff };
std::string to_string(ShutdownMode mode);  // "default", "reboot", "poweroff"

struct Status {
    int status = 0;              // 0, or the exit code of the first failed `run`
    std::string failed_by;       // the arguments of that container
    std::string prev_container;  // arguments of the last container that ran
    int prev_container_exit_code = 0;
    ShutdownMode shutdown_mode = ShutdownMode::default_mode;
};

// "B2C_PIPELINE_STATUS=0", ... describing the pipeline so far: given to
// every container, and to b2c.shutdown_cmd / b2c.reboot_cmd.
std::vector<std::string> pipeline_env(const Status& status);

// Exit code 129 (SIGHUP) and 130 (SIGINT) are how podman reports a
// container that called reboot(2) to reboot or to power off.
std::optional<ShutdownMode> shutdown_request(int exit_code);

// Records a container that ran. Only a `run` container (counts_for_status)
// can set status/failed_by, and only the first failing one does. 129/130
// count as failures like any non-zero code: the container ended the job.
void record_container(Status& status, const cmdline::ContainerSpec& spec, int exit_code, bool counts_for_status);

// Records a failure that is not a container's (volume setup, ...).
void record_failure(Status& status, int code, std::string failed_by);

}  // namespace b2c::pipeline
