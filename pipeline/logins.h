// b2c.login: podman login to each registry before pulling.
#pragma once

#include <vector>

#include "cmdline/config.h"
#include "pipeline/runtime.h"

namespace b2c::pipeline {

// A failed login is logged as an error and the pipeline goes on: a pull
// that needed it will fail with podman's own message.
void log_in(const Runtime& runtime, const std::vector<cmdline::RegistryLogin>& logins);

}  // namespace b2c::pipeline
