#include "storage/s3/sync_plan.h"

#include <fnmatch.h>

#include <map>

namespace b2c::s3 {

bool is_excluded(const std::string& path, const std::vector<std::string>& globs)
{
    for (const auto& glob : globs) {
        // No FNM_PATHNAME: "*.log" also matches "dir/x.log", as in mc.
        if (fnmatch(glob.c_str(), path.c_str(), 0) == 0)
            return true;
    }
    return false;
}

Plan plan_mirror(const std::vector<TreeEntry>& source, const std::vector<TreeEntry>& destination,
                 const PlanOptions& options, const SameContent& same_content)
{
    Plan plan;
    std::map<std::string, const TreeEntry*> at_destination;
    for (const auto& entry : destination) {
        if (is_excluded(entry.path, options.exclude))
            ++plan.excluded;
        else
            at_destination.emplace(entry.path, &entry);
    }
    for (const auto& entry : source) {
        if (is_excluded(entry.path, options.exclude)) {
            ++plan.excluded;
            continue;
        }
        auto found = at_destination.find(entry.path);
        if (found == at_destination.end()) {
            plan.copy.push_back(entry);
            continue;
        }
        const TreeEntry& there = *found->second;
        at_destination.erase(found);
        if (entry.size == there.size && same_content(entry, there))
            plan.same.push_back(entry.path);
        else if (options.overwrite)
            plan.overwrite.push_back(entry);
        else
            plan.differs.push_back(entry.path);
    }
    if (options.remove) {
        for (const auto& [path, entry] : at_destination)
            plan.remove.push_back(*entry);
    }
    return plan;
}

}  // namespace b2c::s3
