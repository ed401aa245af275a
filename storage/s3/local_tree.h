// The regular files under a directory, as mirror entries. Symbolic links
// and special files are not mirrored (a link could lead out of a volume);
// they are reported once each. Empty directories are not mirrored either,
// nor the hidden temporary files of downloads (temp_file.h).
#pragma once

#include <filesystem>
#include <vector>

#include "storage/s3/sync_plan.h"

namespace b2c::s3 {

// Sorted by path ('/'-separated, relative to `root`). A `root` that does not
// exist is an empty tree when `missing_is_empty`; otherwise, and when it is
// not a readable directory, this throws std::runtime_error naming it.
std::vector<TreeEntry> walk_local_tree(const std::filesystem::path& root, bool missing_is_empty);

}  // namespace b2c::s3
