// One container's life: create (with retries), then start, which waits and removes.
#pragma once

#include <optional>
#include <string>

#include "cmdline/config.h"
#include "pipeline/status.h"
#include "pipeline/runtime.h"

namespace b2c::pipeline {

// What a container that could not be created or started exits with, like
// podman itself.
inline constexpr int exit_cannot_run = 125;

// `podman create`, retried with growing delays (pulls fail for passing
// reasons); the image store is pruned before the last attempt. Returns the
// container id, or nothing after the last failure (logged). With
// `remove_on_exit`, the start that waits for it removes it.
std::optional<std::string> create_container(const Runtime& runtime, const cmdline::ContainerSpec& spec,
                                            const Status& status, bool remove_on_exit);

// Whether `podman start` failed because the image's files are not there
// (podman's own error line names the OCI runtime and a missing file): what
// a power cut during the image's pull leaves behind.
bool image_looks_damaged(const CommandResult& start);

// Creates (`--rm`), starts attached to the console and waits: two podman
// processes, -i read from the arguments (opens_stdin). Returns the
// container's exit code, exit_cannot_run if it never ran. A start that
// fails on a damaged image prunes the unused images and tries once more.
int run_container(const Runtime& runtime, const cmdline::ContainerSpec& spec, const Status& status);

}  // namespace b2c::pipeline
