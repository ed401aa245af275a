// What the pieces of one push or pull share: where, how, and the report
// they fill in.
#pragma once

#include <optional>
#include <string>

#include "storage/s3/endpoint.h"
#include "storage/s3/mirror.h"
#include "storage/s3/mirror_record.h"
#include "storage/s3/sse_c.h"
#include "storage/s3/transfer_engine.h"

namespace b2c::s3 {

struct MirrorContext {
    MirrorContext(const Location& location, const MirrorOptions& options);

    const Location& location;
    const MirrorOptions& options;
    std::optional<SseCKey> sse;  // from options.sse_c_key
    std::string prefix;          // "PREFIX/" or ""
    MirrorReport report;
    MirrorRecord record;  // of options.record_dir, for this location
    TransferEngine engine;

    std::string key_of(const std::string& path) const { return prefix + path; }
    std::string url_of(const std::string& key, const QueryParameters& query = {}) const;
    Headers sse_headers() const { return sse ? sse->headers : Headers{}; }
    // Records a file that did not make it, and says so in the log.
    void fail(const std::string& path, const std::string& reason);
    // `outcome.error`, with a hint when it is the one libcurl < 8.10 causes with SSE-C.
    std::string reason(const Outcome& outcome) const;
};

}  // namespace b2c::s3
