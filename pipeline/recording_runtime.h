// A Runtime that runs nothing: it records every step the pipeline takes
// (podman command lines, mounts, fscrypt, S3 transfers) and answers as
// podman would when everything works. `b2c-init --dry-run` shows a boot's
// plan through it: the real pipeline, so the plan cannot drift from it.
#pragma once

#include <string>
#include <vector>

#include "pipeline/runtime.h"

namespace b2c::pipeline {

// `steps` receives one line per step, secrets masked with `secrets`. It
// must outlive the runtime.
Runtime recording_runtime(std::vector<std::string>& steps, std::vector<std::string> secrets);

}  // namespace b2c::pipeline
