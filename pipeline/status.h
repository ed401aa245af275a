// How each finished container changes the pipeline's Status.
#pragma once

#include <optional>

#include "cmdline/config.h"
#include "pipeline/pipeline.h"

namespace b2c::pipeline {

// Exit code 129 (SIGHUP) and 130 (SIGINT) are how podman reports a
// container that called reboot(2) to reboot or to power off.
std::optional<ShutdownMode> shutdown_request(int exit_code);

// Records a container that ran. Only a `run` container (counts_for_status)
// can set status/failed_by, and only the first failing one does. 129/130
// count as failures like any non-zero code: the container ended the job.
void record_container(Status& status, const cmdline::ContainerSpec& spec, int exit_code,
                      bool counts_for_status);

// Records a failure that is not a container's (volume setup, ...).
void record_failure(Status& status, int code, std::string failed_by);

}  // namespace b2c::pipeline
