#include "init/console/keymap_file.h"

#include <fmt/format.h>

namespace b2c::console {
namespace {

// Little-endian fields read in order; running out is a truncated file.
class Reader {
public:
    Reader(std::string_view bytes, const std::string& origin) : bytes_(bytes), origin_(origin) {}

    std::string_view take(std::size_t count, std::string_view what)
    {
        if (bytes_.size() - offset_ < count)
            throw KeymapError(
                fmt::format("keymap file {} is truncated: {} bytes, it ends in the middle of {} at byte {}", origin_,
                            bytes_.size(), what, offset_));
        auto field = bytes_.substr(offset_, count);
        offset_ += count;
        return field;
    }

    std::uint32_t number(std::size_t width, std::string_view what)
    {
        auto field = take(width, what);
        std::uint32_t value = 0;
        for (std::size_t i = width; i-- > 0;)
            value = (value << 8) | static_cast<unsigned char>(field[i]);
        return value;
    }
    std::uint8_t u8(std::string_view what) { return static_cast<std::uint8_t>(number(1, what)); }
    std::uint16_t u16(std::string_view what) { return static_cast<std::uint16_t>(number(2, what)); }
    std::uint32_t u32(std::string_view what) { return number(4, what); }

    std::size_t offset() const { return offset_; }
    bool at_end() const { return offset_ == bytes_.size(); }

private:
    std::string_view bytes_;
    const std::string& origin_;
    std::size_t offset_ = 0;
};

void check_count(const std::string& origin, std::string_view what, std::size_t count, std::size_t max)
{
    if (count > max)
        throw KeymapError(fmt::format("keymap file {} is corrupt: {} {} (at most {})", origin, count, what, max));
}

void put(std::string& out, std::uint32_t value, std::size_t width)
{
    for (std::size_t i = 0; i < width; ++i)
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

}  // namespace

Keymap parse_keymap_file(std::string_view bytes, const std::string& origin)
{
    Reader in(bytes, origin);
    if (bytes.substr(0, kKeymapMagic.size()) != kKeymapMagic)
        throw KeymapError(
            fmt::format("{} is not a b2c keymap file (it does not start with B2CKEYS): rebuild the initramfs", origin));
    in.take(kKeymapMagic.size(), "the magic");
    auto version = in.u16("the version");
    if (version != kKeymapVersion)
        throw KeymapError(fmt::format("keymap file {} has format version {}, this init reads version {}", origin,
                                      version, kKeymapVersion));
    std::size_t table_count = in.u16("the table count");
    std::size_t string_count = in.u16("the string count");
    std::size_t accent_count = in.u16("the accent count");
    check_count(origin, "tables", table_count, kMaxTables);
    check_count(origin, "function strings", string_count, kMaxStrings);
    check_count(origin, "accents", accent_count, kMaxAccents);

    Keymap keymap;
    for (std::size_t t = 0; t < table_count; ++t) {
        KeymapTable table;
        table.index = in.u8("a table header");
        in.u8("a table header");
        std::size_t key_count = in.u16("a table header");
        check_count(origin, fmt::format("keys in table {}", table.index), key_count, kKeysPerTable);
        if (!keymap.tables.empty() && table.index <= keymap.tables.back().index)
            throw KeymapError(fmt::format("keymap file {} is corrupt: table {} after table {}", origin, table.index,
                                          keymap.tables.back().index));
        table.keys.reserve(kKeysPerTable);
        for (std::size_t k = 0; k < key_count; ++k)
            table.keys.push_back(in.u16(fmt::format("table {}", table.index)));
        table.keys.resize(kKeysPerTable, kKeyHole);
        keymap.tables.push_back(std::move(table));
    }
    for (std::size_t s = 0; s < string_count; ++s) {
        FunctionString string;
        string.index = in.u8("a function string");
        std::size_t length = in.u16("a function string");
        check_count(origin, fmt::format("bytes in function string {}", string.index), length, kMaxStringLength);
        string.text = std::string(in.take(length, fmt::format("function string {}", string.index)));
        keymap.strings.push_back(std::move(string));
    }
    for (std::size_t a = 0; a < accent_count; ++a) {
        Accent accent;
        accent.diacr = in.u32("the accent table");
        accent.base = in.u32("the accent table");
        accent.result = in.u32("the accent table");
        keymap.accents.push_back(accent);
    }
    if (!in.at_end())
        throw KeymapError(fmt::format("keymap file {} is corrupt: {} unexpected bytes after byte {}", origin,
                                      bytes.size() - in.offset(), in.offset()));
    return keymap;
}

std::string encode_keymap_file(const Keymap& keymap)
{
    std::string out(kKeymapMagic);
    put(out, kKeymapVersion, 2);
    put(out, static_cast<std::uint32_t>(keymap.tables.size()), 2);
    put(out, static_cast<std::uint32_t>(keymap.strings.size()), 2);
    put(out, static_cast<std::uint32_t>(keymap.accents.size()), 2);
    for (const auto& table : keymap.tables) {
        std::size_t count = table.keys.size();
        while (count > 0 && table.keys[count - 1] == kKeyHole)  // implied by the format
            --count;
        put(out, table.index, 1);
        put(out, 0, 1);
        put(out, static_cast<std::uint32_t>(count), 2);
        for (std::size_t k = 0; k < count; ++k)
            put(out, table.keys[k], 2);
    }
    for (const auto& string : keymap.strings) {
        put(out, string.index, 1);
        put(out, static_cast<std::uint32_t>(string.text.size()), 2);
        out += string.text;
    }
    for (const auto& accent : keymap.accents) {
        put(out, accent.diacr, 4);
        put(out, accent.base, 4);
        put(out, accent.result, 4);
    }
    return out;
}

}  // namespace b2c::console
