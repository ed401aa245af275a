// The binary keymap files of b2c.keymap (NAME.bkm), written at build time by
// tools/build/compile-keymaps from console-data's NAME.kmap.gz. Pure parsing: no
// console, no kernel.
//
// Format, version 1, every integer little-endian:
//
//   header, 16 bytes:
//     char magic[8]       "B2CKEYS\0"
//     u16  version        1
//     u16  table_count    keymaps ("plain", "shift", "altgr+ctrl", ...), <= 256
//     u16  string_count   function-key strings, <= 256
//     u16  accent_count   compose / dead-key entries, <= 256
//   table_count times, in increasing index order:
//     u8   index          the kernel's table number (a combination of modifiers)
//     u8   reserved       0
//     u16  key_count      <= 256; the keys from key_count to 255 are K_HOLE
//     u16  keys[key_count]  as KDSKBENT takes them (the kernel's user form)
//   string_count times, in increasing index order:
//     u8   index          the function key (KDSKBSENT's kb_func)
//     u16  length         < 512, no terminating NUL in the file
//     u8   text[length]
//   accent_count times:
//     u32  diacr, base, result   Unicode code points (KDSKBDIACRUC)
//   nothing after the last entry.
//
// Loading semantics (init/console/keymap.h): the tables in the file replace the
// kernel's whole table (tables absent from the file are removed), the strings
// replace those they name, and a non-empty accent table replaces the
// kernel's (an empty one keeps it, as loadkeys does: many maps rely on the
// kernel's default compose table for their dead keys).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace b2c::console {

class KeymapError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

inline constexpr std::string_view kKeymapMagic{"B2CKEYS\0", 8};
inline constexpr std::uint16_t kKeymapVersion = 1;
inline constexpr std::size_t kKeysPerTable = 256;     // NR_KEYS
inline constexpr std::size_t kMaxTables = 256;        // MAX_NR_KEYMAPS
inline constexpr std::size_t kMaxStrings = 256;       // MAX_NR_FUNC
inline constexpr std::size_t kMaxAccents = 256;       // MAX_DIACR
inline constexpr std::size_t kMaxStringLength = 511;  // kbsentry.kb_string, with its NUL
inline constexpr std::uint16_t kKeyHole = 0x0200;     // K_HOLE

struct KeymapTable {
    std::uint8_t index = 0;
    std::vector<std::uint16_t> keys;  // always kKeysPerTable long once parsed
};

struct FunctionString {
    std::uint8_t index = 0;
    std::string text;
};

struct Accent {
    std::uint32_t diacr = 0;
    std::uint32_t base = 0;
    std::uint32_t result = 0;
};

struct Keymap {
    std::vector<KeymapTable> tables;
    std::vector<FunctionString> strings;
    std::vector<Accent> accents;
};

// Throws KeymapError naming `origin` (a file name) and what is wrong: bad
// magic, unknown version, truncated, out-of-range counts, trailing bytes.
Keymap parse_keymap_file(std::string_view bytes, const std::string& origin);

// The file form of `keymap` (what tools/build/compile-keymaps writes), for tests.
std::string encode_keymap_file(const Keymap& keymap);

}  // namespace b2c::console
