// b2c.volume: create the podman volumes, mount their file systems, encrypt
// them with fscrypt, and delete the expiring ones at the end.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "cmdline/config.h"
#include "pipeline/runtime.h"
#include "storage/fscrypt.h"
#include "storage/mounts.h"

namespace b2c::pipeline {

// what() is "VOLUME: reason".
class VolumeSetupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A volume with both filesystem= and fscrypt_key= keeps its data in this
// directory of the file system, bind-mounted on the volume's mount point:
// fscrypt cannot encrypt a file system's root directory.
inline constexpr const char* fscrypt_subdirectory = "b2c-fscrypt";

// What the set-up volumes hold until the clean-up: mounts and fscrypt keys,
// released in the reverse order of acquisition (a volume's bind mount, then
// its key, then its file system), and the volumes to delete at the end.
class ActiveVolumes {
public:
    ActiveVolumes() = default;
    ~ActiveVolumes() { release_holds(); }
    ActiveVolumes(const ActiveVolumes&) = delete;
    ActiveVolumes& operator=(const ActiveVolumes&) = delete;

    void hold(Hold hold) { holds_.push_back(std::move(hold)); }
    void expire_at_end(std::string volume) { expiring_.push_back(std::move(volume)); }
    const std::vector<std::string>& expiring() const { return expiring_; }

    // Releases every hold, then deletes the expiring volumes (a file
    // system's volume is unmounted first: its content is kept). Failures
    // are logged: the machine shuts down anyway.
    void release(const Runtime& runtime);

private:
    void release_holds() noexcept;

    std::vector<Hold> holds_;
    std::vector<std::string> expiring_;
};

// Where podman keeps the volume's files (`podman volume inspect`).
// Throws VolumeSetupError.
std::string volume_mountpoint(const Runtime& runtime, const std::string& volume);

// Deletes the volumes labelled expiring that an earlier boot left behind
// (it died before its clean-up). Failures are logged.
void remove_expired_volumes(const Runtime& runtime);

// Creates each volume that does not exist yet, mounts its file system and
// unlocks or encrypts its directory, keeping what it sets up in `active`
// (also when a later volume fails). Throws VolumeSetupError.
void setup_volumes(const Runtime& runtime, const cmdline::StorageConfig& storage, ActiveVolumes& active);

}  // namespace b2c::pipeline
