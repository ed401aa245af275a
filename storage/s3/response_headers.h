// The header of an HTTP answer, as libcurl hands it over: one line at a time
// (a status line, "Name: value" lines, a blank line), and again for each
// answer of a request (100 Continue, then the real one). Pure, fuzzed.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace b2c::s3 {

using ResponseHeaders = std::map<std::string, std::string>;  // names in lower case

// Adds one header line to `headers` (the last of a repeated name wins); a
// status line ("HTTP/...") starts a new answer and clears them. Lines of
// neither kind (the blank line, an obsolete folded continuation) are ignored.
void add_header_line(std::string_view line, ResponseHeaders& headers);

// An ETag's value without its double quotes (S3 quotes it; some servers not).
std::string unquoted_etag(std::string_view etag);

}  // namespace b2c::s3
