// Base 64 (RFC 4648, standard alphabet), both ways, once for the whole
// project: fscrypt keys on the command line, S3's Content-MD5 and SSE-C.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace b2c {

std::string encode_base64(std::string_view bytes);

enum class Padding { optional, required };

// nullopt when `text` is not base 64 (with Padding::required, also when its
// length is not a multiple of 4, as S3 writes it).
std::optional<std::string> decode_base64(std::string_view text, Padding padding = Padding::optional);

}  // namespace b2c
