// Mirroring a local directory with an S3 bucket (b2c.volume's mirror=,
// pull_from=, push_to=), the way MinIO's `mc mirror` does it: list both
// sides, copy what is missing, replace what differs only when asked to, and
// delete only when asked to. Transfers run in parallel on one libcurl multi
// handle, signed with libcurl's AWS SigV4.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace b2c::s3 {

struct Endpoint {            // from b2c.minio=ALIAS,URL,ACCESS_KEY,SECRET_KEY
    std::string url;         // http(s)://host[:port][/]
    std::string access_key;  // secret
    std::string secret_key;  // secret
    std::string region = "us-east-1";
    bool virtual_host = false;  // bucket.host instead of host/bucket
};

struct Location {
    Endpoint endpoint;
    std::string bucket;
    std::string prefix;  // keys are PREFIX/relative/path; no leading or trailing '/' needed
};

struct MirrorOptions {
    bool overwrite = false;                // replace destination files that differ
    bool remove = false;                   // delete destination files the source does not have
    std::vector<std::string> exclude;      // globs (fnmatch) on the relative path
    bool preserve = false;                 // keep mode and times (mc's X-Amz-Meta-Mc-Attrs)
    std::optional<std::string> sse_c_key;  // SSE-C customer key (secret): 32 bytes, raw or base64
    unsigned max_in_flight = 16;
    std::uint64_t multipart_threshold = 64ull << 20;
    std::uint64_t part_size = 16ull << 20;
    unsigned attempts = 5;                // per request; 5xx, 429 and connection errors are retried
    unsigned first_retry_delay_ms = 500;  // doubled after each failed attempt
    // Where to remember what this mirror left identical (mirror_record.h),
    // so that the next one of the same location trusts the files that did
    // not change instead of reading them; none: every file is read to be
    // compared. Not with SSE-C (its ETags are no MD5 of ours to check).
    std::optional<std::filesystem::path> record_dir;
};

struct MirrorReport {
    std::size_t copied = 0, skipped_same = 0, skipped_differs = 0, removed = 0;
    std::uint64_t bytes = 0;
    std::size_t trusted = 0;           // files found the same by the record, without reading them
    std::uint64_t bytes_compared = 0;  // read from local files to compare them with objects
    std::vector<std::string> failed;   // relative paths that did not make it, with the reason
    bool ok() const { return failed.empty(); }
};

// Throw std::runtime_error (with a message that never holds a key) when the
// mirror cannot start at all: unreadable directory, listing refused, bad URL.
// Failures of single files are in the report instead.
MirrorReport push(const std::filesystem::path& dir, const Location& to, const MirrorOptions&);
MirrorReport pull(const Location& from, const std::filesystem::path& dir, const MirrorOptions&);

struct RemoteObject {
    std::string key;
    std::uint64_t size = 0;
    std::string etag;           // without quotes
    std::string last_modified;  // as the server wrote it (ISO 8601)
};

// Every object under `at` (PREFIX/...), in key order; for `b2c-mirror --list`.
std::vector<RemoteObject> list(const Location& at, const MirrorOptions& = {});

}  // namespace b2c::s3
