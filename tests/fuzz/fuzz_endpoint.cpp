// What becomes a URL: the S3 server's address (b2c.minio) and object keys
// (file names, prefixes). The first byte picks nothing but the style.
#include <stdexcept>

#include "storage/s3/endpoint.h"
#include "storage/s3/mirror.h"
#include "tests/fuzz/fuzz_check.h"

using namespace b2c::s3;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    auto text = b2c::fuzz::as_text(data + 1, size - 1);
    // The text cut in two at its first newline: a URL, then a key.
    auto newline = text.find('\n');
    std::string url(text.substr(0, newline));
    std::string_view key = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    try {
        (void)parse_base_url(url);
    } catch (const std::invalid_argument&) {
    }
    auto encoded = uri_encode(key, data[0] & 1);
    FUZZ_CHECK(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%/") ==
               std::string::npos);
    (void)key_prefix(key);
    (void)canonical_query({{std::string(key), url}, {"uploads", ""}});
    Endpoint endpoint{"http://10.0.2.2:9000", "access", "secret", "us-east-1", bool(data[0] & 2)};
    // A key with a "." or ".." part is refused by name, any other gives a URL.
    bool refused = false;
    try {
        (void)object_url(endpoint, "bucket", key, {{"partNumber", "1"}});
    } catch (const std::invalid_argument&) {
        refused = true;
    }
    FUZZ_CHECK(refused == has_dot_segment(key));
    return 0;
}
