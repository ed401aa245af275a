#include "pipeline/services.h"

#include <spdlog/spdlog.h>

#include "common/text.h"
#include "pipeline/container_runner.h"
#include "pipeline/podman_args.h"
#include "pipeline/pod_runner.h"

namespace b2c::pipeline {

namespace {

// podman stop waits 10 s before SIGKILL; leave it room.
constexpr std::chrono::seconds stop_timeout{60};

}  // namespace

Services start_services(const Runtime& runtime, const std::vector<cmdline::ContainerSpec>& services,
                        const Status& status)
{
    Services started;
    auto& ids = started.container_ids;
    for (const auto& spec : services) {
        if (spec.is_pod()) {
            if (auto yaml = start_pod_service(runtime, spec))
                started.pod_yamls.push_back(std::move(*yaml));
            continue;
        }
        spdlog::info("starting service: {}", redact(spec.text, runtime.secrets));
        // Not --rm: stop_services removes it after stopping it.
        auto id = create_container(runtime, spec, status, false);
        if (!id) {
            spdlog::error("service '{}' could not be created; going on without it", redact(spec.text, runtime.secrets));
            continue;
        }
        ids.push_back(*id);  // stopped and removed at the end even if start failed
        if (auto result = runtime.run(start_detached_argv(*id), stop_timeout); !result.ok())
            spdlog::error("service '{}' could not be started (exit code {}): {}", redact(spec.text, runtime.secrets),
                          result.exit_code, redact(std::string(trim(result.output)), runtime.secrets));
    }
    return started;
}

void stop_services(const Runtime& runtime, const Services& services)
{
    for (const auto& yaml : services.pod_yamls)
        stop_pod(runtime, yaml);
    for (const auto& id : services.container_ids) {
        if (auto result = runtime.run(stop_argv(id), stop_timeout); !result.ok())
            spdlog::warn("cannot stop service {}: {}", id, trim(result.output));
        if (auto result = runtime.run(remove_argv(id), stop_timeout); !result.ok())
            spdlog::warn("cannot remove service {}: {}", id, trim(result.output));
    }
}

}  // namespace b2c::pipeline
