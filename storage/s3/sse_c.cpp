#include "storage/s3/sse_c.h"

#include <stdexcept>

#include <fmt/format.h>

#include "storage/s3/digest.h"

namespace b2c::s3 {

SseCKey make_sse_c_key(const std::string& key)
{
    std::string bytes;
    if (key.size() == 32) {
        bytes = key;
    } else if (auto decoded = decode_base64(key, Padding::required); decoded && decoded->size() == 32) {
        bytes = *decoded;
    } else {
        throw std::invalid_argument(fmt::format(
            "the encryption key has {} characters: expected 32 bytes, or their base64 (44 characters)", key.size()));
    }
    SseCKey sse;
    std::string encoded = encode_base64(bytes);
    sse.headers = {
        {"x-amz-server-side-encryption-customer-algorithm", "AES256"},
        {"x-amz-server-side-encryption-customer-key", encoded},
        {"x-amz-server-side-encryption-customer-key-MD5", base64(md5(bytes))},
    };
    sse.secrets = {key, encoded};
    return sse;
}

}  // namespace b2c::s3
