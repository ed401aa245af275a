// b2c.volume: create the podman volumes and mount their file systems.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "cmdline/config.h"
#include "pipeline/runtime.h"
#include "storage/mounts.h"

namespace b2c::pipeline {

// what() is "VOLUME: reason".
class VolumeSetupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The sub-options of this volume that are parsed but not implemented yet.
std::vector<std::string> unsupported_volume_options(const cmdline::VolumeConfig& volume);

// Creates each volume that does not exist yet and mounts its file system,
// appending the mounts to `mounts` (they stay mounted, also when a later
// volume fails, until the caller drops them). Throws VolumeSetupError.
void setup_volumes(const Runtime& runtime, const cmdline::StorageConfig& storage,
                   std::vector<storage::Mount>& mounts);

}  // namespace b2c::pipeline
