// Sending one local file to its key: a single PUT below the multipart
// threshold, otherwise a multipart upload (initiate, the parts in parallel,
// complete; abort when a part fails for good). Every body carries its
// Content-MD5, so the server refuses damaged bytes.
#pragma once

#include <filesystem>

#include "storage/s3/mirror_context.h"
#include "storage/s3/sync_plan.h"

namespace b2c::s3 {

// Queues the upload of `root`/`entry.path` on context.engine; its outcome
// goes into context.report when the engine runs.
void queue_upload(MirrorContext& context, const std::filesystem::path& root, const TreeEntry& entry);

}  // namespace b2c::s3
