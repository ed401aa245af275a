// A keymap file (b2c.keymap), as read from the initramfs. Property: a map
// we accept encodes back to bytes that parse to the same encoding.
#include "init/console/keymap_file.h"
#include "tests/fuzz/fuzz_check.h"

using namespace b2c::console;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    Keymap keymap;
    try {
        keymap = parse_keymap_file(b2c::fuzz::as_text(data, size), "fuzz.bkeymap");
    } catch (const KeymapError&) {
        return 0;
    }
    auto encoded = encode_keymap_file(keymap);
    FUZZ_CHECK(encode_keymap_file(parse_keymap_file(encoded, "again")) == encoded);
    return 0;
}
