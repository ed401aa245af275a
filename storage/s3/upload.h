// Sending one local file to its key: a single PUT below the multipart
// threshold, otherwise a multipart upload (initiate, the parts in parallel,
// complete; abort when a part fails for good). Every body carries its
// Content-MD5, so the server refuses damaged bytes.
#pragma once

#include <filesystem>

#include "storage/s3/local_directory.h"
#include "storage/s3/mirror_context.h"
#include "storage/s3/sync_plan.h"

namespace b2c::s3 {

// Queues the upload of `dir`/`entry.path` on context.engine; its outcome
// goes into context.report when the engine runs. The file is opened (never
// through a link) when its turn comes; `dir` must outlive the engine's run.
void queue_upload(MirrorContext& context, const LocalDirectory& dir, const TreeEntry& entry);

}  // namespace b2c::s3
