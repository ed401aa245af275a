// SSE-C: the server encrypts with a key the client sends on every request
// that reads or writes the object's data (PUT, GET, HEAD, multipart
// initiate, upload part, complete).
#pragma once

#include <string>
#include <vector>

#include "storage/s3/signed_request.h"

namespace b2c::s3 {

struct SseCKey {
    Headers headers;                   // algorithm, key (base64), key MD5 (base64)
    std::vector<std::string> secrets;  // the key as given and as sent, for redact()
};

// `key` is the 32-byte AES-256 key, raw or base64. Throws
// std::invalid_argument (saying what is wrong, never the key) otherwise.
SseCKey make_sse_c_key(const std::string& key);

}  // namespace b2c::s3
