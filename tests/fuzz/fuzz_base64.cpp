// Base 64 from the command line (fscrypt keys, SSE-C keys). Properties: what
// decodes, encodes to a text that decodes the same; any bytes round-trip.
#include "common/base64.h"
#include "tests/fuzz/fuzz_check.h"

using b2c::Padding;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = b2c::fuzz::as_text(data, size);
    for (Padding padding : {Padding::optional, Padding::required}) {
        auto bytes = b2c::decode_base64(text, padding);
        if (bytes)
            FUZZ_CHECK(b2c::decode_base64(b2c::encode_base64(*bytes), Padding::required) == bytes);
    }
    FUZZ_CHECK(b2c::decode_base64(b2c::encode_base64(text)) == std::string(text));
    return 0;
}
