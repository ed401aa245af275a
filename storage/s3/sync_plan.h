// What a mirror does, decided from the two listings: a pure planner, like
// `mc mirror`'s. A destination file that differs is replaced only with
// `overwrite` (otherwise kept and reported); a destination file the source
// does not have is deleted only with `remove`; an excluded path is neither
// copied nor deleted.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace b2c::s3 {

struct TreeEntry {
    std::string path;  // relative, '/'-separated
    std::uint64_t size = 0;
    std::string etag;  // remote entries only
};

struct PlanOptions {
    bool overwrite = false;
    bool remove = false;
    std::vector<std::string> exclude;  // fnmatch() globs on the relative path
};

struct Plan {
    std::vector<TreeEntry> copy;             // source entries missing at the destination
    std::vector<TreeEntry> overwrite;        // source entries that replace different ones
    std::vector<TreeEntry> remove;           // destination entries to delete
    std::vector<std::string> same, differs;  // left alone (differs: not replaced, no overwrite)
    std::size_t excluded = 0;                // paths of either side left out
};

// Whether two entries of the same path and size hold the same bytes.
using SameContent = std::function<bool(const TreeEntry& source, const TreeEntry& destination)>;

bool is_excluded(const std::string& path, const std::vector<std::string>& globs);

// `same_content` is asked only for pairs of equal size.
Plan plan_mirror(const std::vector<TreeEntry>& source, const std::vector<TreeEntry>& destination,
                 const PlanOptions& options, const SameContent& same_content);

}  // namespace b2c::s3
