// Fetching one object into the local tree: into a hidden temporary file
// next to its destination, checked (size, and the MD5 when the ETag is
// one), then renamed into place, with its attributes when `preserve`.
#pragma once

#include <filesystem>

#include "storage/s3/local_directory.h"
#include "storage/s3/mirror_context.h"
#include "storage/s3/sync_plan.h"

namespace b2c::s3 {

// Queues the download of `entry` (a remote entry) to `dir`/`entry.path`.
// `dir` must outlive the engine's run.
void queue_download(MirrorContext& context, const LocalDirectory& dir, const TreeEntry& entry);

// Whether `path` (from a key) can be a file under a directory: no empty,
// "." or ".." component, not absolute.
bool is_safe_relative_path(const std::string& path);

}  // namespace b2c::s3
