// b2c.run_service containers: started detached before the first run,
// stopped and removed when the pipeline ends.
#pragma once

#include <string>
#include <vector>

#include "cmdline/config.h"
#include "pipeline/runtime.h"

namespace b2c::pipeline {

// Returns the ids of the services that started. A service that cannot be
// started is logged as an error; it does not change the pipeline's status.
std::vector<std::string> start_services(const Runtime& runtime, const std::vector<cmdline::ContainerSpec>& services,
                                        const Status& status);

void stop_services(const Runtime& runtime, const std::vector<std::string>& ids);

}  // namespace b2c::pipeline
