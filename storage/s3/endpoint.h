// Request URLs for an S3 endpoint: path style (host/bucket/key) or virtual
// host style (bucket.host/key), with keys and query strings encoded the way
// SigV4 canonicalises them, because libcurl signs an S3 path and query
// exactly as they appear in the URL (it neither re-encodes nor sorts).
//
// A key with a "." or ".." part ("a/./b", "../x") has no URL: libcurl
// removes such parts (RFC 3986's dot-segment removal, "%2E" included) and
// refuses to sign with CURLOPT_PATH_AS_IS since 8.10, so the request
// would reach another key or a signature that does not match. Our pushes
// never make such keys (file paths have no such parts); another client
// may, and object_url() refuses them by name.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/s3/mirror.h"

namespace b2c::s3 {

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

// S3's URI encoding: A-Z a-z 0-9 - . _ ~ are kept, every other byte is %XX
// (upper-case hex); '/' is kept when `keep_slash`, as in object key paths.
std::string uri_encode(std::string_view text, bool keep_slash);

// "k1=v1&k2=v2", sorted by name, every name and value uri_encode()d, and an
// empty value written "k=" (the canonical form of "?uploads").
std::string canonical_query(QueryParameters parameters);

// The parts of Endpoint::url that requests are built from.
struct BaseUrl {
    std::string scheme;     // "http" or "https"
    std::string authority;  // host[:port], as written
    std::string path;       // "" or "/some/base", no trailing '/'
};

// Throws std::invalid_argument naming the URL when it is not http(s)://host...
BaseUrl parse_base_url(const std::string& url);

// True when a '/'-separated part of `key` is "." or "..".
bool has_dot_segment(std::string_view key);

// URL of `key` in `bucket` (key "" is the bucket itself), with `query`.
// Throws std::invalid_argument naming the key when has_dot_segment(key).
std::string object_url(const Endpoint& endpoint, const std::string& bucket, std::string_view key,
                       const QueryParameters& query = {});

// "PREFIX/" for a non-empty prefix, "" otherwise; leading and trailing '/' dropped.
std::string key_prefix(std::string_view prefix);

}  // namespace b2c::s3
