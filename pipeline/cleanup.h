// The end of the pipeline: remove every container and the dangling images.
#pragma once

#include "pipeline/runtime.h"

namespace b2c::pipeline {

// Failures are logged as warnings: the machine shuts down anyway.
void clean_up(const Runtime& runtime);

}  // namespace b2c::pipeline
