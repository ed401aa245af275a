#include "pipeline/status.h"

#include <utility>

namespace b2c::pipeline {

std::string to_string(ShutdownMode mode)
{
    switch (mode) {
    case ShutdownMode::reboot: return "reboot";
    case ShutdownMode::poweroff: return "poweroff";
    case ShutdownMode::default_mode: break;
    }
    return "default";
}

std::vector<std::string> pipeline_env(const Status& status)
{
    return {
        "B2C_PIPELINE_STATUS=" + std::to_string(status.status),
        "B2C_PIPELINE_FAILED_BY=" + status.failed_by,
        "B2C_PIPELINE_PREV_CONTAINER=" + status.prev_container,
        "B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE=" + std::to_string(status.prev_container_exit_code),
        "B2C_PIPELINE_SHUTDOWN_MODE=" + to_string(status.shutdown_mode),
    };
}

std::optional<ShutdownMode> shutdown_request(int exit_code)
{
    if (exit_code == 129)
        return ShutdownMode::reboot;
    if (exit_code == 130)
        return ShutdownMode::poweroff;
    return std::nullopt;
}

void record_container(Status& status, const cmdline::ContainerSpec& spec, int exit_code, bool counts_for_status)
{
    status.prev_container = spec.text;
    status.prev_container_exit_code = exit_code;
    if (auto mode = shutdown_request(exit_code))
        status.shutdown_mode = *mode;
    if (counts_for_status && exit_code != 0)
        record_failure(status, exit_code, spec.text);
}

void record_failure(Status& status, int code, std::string failed_by)
{
    if (status.status != 0)
        return;
    status.status = code;
    status.failed_by = std::move(failed_by);
}

}  // namespace b2c::pipeline
