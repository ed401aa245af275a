// The objects under a prefix (ListObjectsV2, page after page) and, for a
// push to a bucket that does not exist yet, its creation (as mc mirror does).
#pragma once

#include <vector>

#include "storage/s3/mirror_context.h"
#include "storage/s3/sync_plan.h"

namespace b2c::s3 {

// Every object whose key starts with context.prefix, in key order. Throws
// std::runtime_error naming the bucket when the listing fails; a missing
// bucket is an empty one when `create_missing_bucket`, and is created.
std::vector<RemoteObject> list_remote(MirrorContext& context, bool create_missing_bucket);

// The objects as mirror entries: paths relative to the prefix, "folder"
// markers (keys ending in '/') left out.
std::vector<TreeEntry> remote_entries(const MirrorContext& context, const std::vector<RemoteObject>& objects);

}  // namespace b2c::s3
