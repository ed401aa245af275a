// b2c.run_service containers: started detached before the first run,
// stopped and removed when the pipeline ends.
#pragma once

#include <string>
#include <vector>

#include "cmdline/config.h"
#include "pipeline/runtime.h"

namespace b2c::pipeline {

// What stop_services stops: containers by id, pods (b2c.kube_service) by
// their YAML.
struct Services {
    std::vector<std::string> container_ids;
    std::vector<std::string> pod_yamls;
    bool empty() const { return container_ids.empty() && pod_yamls.empty(); }
};

// Starts the services in order. A service that cannot be started is logged
// as an error; it does not change the pipeline's status.
Services start_services(const Runtime& runtime, const std::vector<cmdline::ContainerSpec>& services,
                        const Status& status);

void stop_services(const Runtime& runtime, const Services& services);

}  // namespace b2c::pipeline
