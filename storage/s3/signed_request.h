// One S3 request as libcurl will send it, signed by libcurl's own AWS SigV4
// (CURLOPT_AWS_SIGV4 "aws:amz:REGION:s3"). What libcurl (7.88.1 and 8.14.1) does, read
// in its lib/http_aws_sigv4.c and checked against AWS's examples in
// tests/unit/s3/test_signing.cpp:
//  * it signs host, x-amz-date and *every* header of CURLOPT_HTTPHEADER
//    (so never pass "Name:" to remove a header: it would be signed, not sent);
//  * it takes the payload hash from our x-amz-content-sha256 header, and
//    hashes CURLOPT_POSTFIELDS otherwise: an upload body read by callback
//    would be signed as empty, so file bodies say UNSIGNED-PAYLOAD (their
//    integrity is Content-MD5's job) and the header is always ours;
//  * it uses the URL's path and query as they are: endpoint.h encodes and
//    sorts them canonically; "." and ".." parts are removed from the path
//    first (CURLOPT_PATH_AS_IS, which would keep them, cannot be combined
//    with SigV4 since curl 8.10), so object_url() refuses keys with them;
//  * it honours an x-amz-date header of ours (used by the tests only: it
//    then sends the date twice);
//  * it sorts header lines by "name:value", not by name, so a header whose
//    name is a prefix of another's (SSE-C's ...-key and ...-key-md5) comes
//    out in the wrong order: fixed in curl 8.10 (curl PR #14370).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/s3/curl_handles.h"

namespace b2c::s3 {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view empty_payload_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";

struct Credentials {
    std::string access_key;  // secret
    std::string secret_key;  // secret
    std::string region = "us-east-1";
};

struct Request {
    std::string method = "GET";                                      // GET, HEAD, PUT, POST, DELETE
    std::string url;                                                 // from object_url()
    Headers headers;                                                 // all signed
    std::string payload_sha256 = std::string(empty_payload_sha256);  // or unsigned_payload
    std::optional<std::string> body;      // in memory; a PUT without one is an upload set up by the caller
    std::optional<std::string> amz_date;  // tests only: a fixed x-amz-date (YYYYMMDDTHHMMSSZ)
};

// Sets the method, URL, headers, in-memory body, SigV4 and our transport
// options on `easy`. The returned list must outlive the transfer.
HeaderList prepare_request(CURL* easy, const Request& request, const Credentials& credentials);

// True when the libcurl we run with sorts "key" after "key-md5" (< 8.10).
bool curl_misorders_prefixed_headers();

}  // namespace b2c::s3
