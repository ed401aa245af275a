#include <catch2/catch.hpp>

#include "tests/unit/temp_dir.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "init/console/keymap.h"
#include "init/console/keymap_file.h"

using b2c::console::Accent;
using b2c::console::Keymap;
using b2c::console::KeymapError;
using b2c::console::parse_keymap_file;
using Catch::Matchers::Contains;

namespace {

// Letters in the kernel's user form: K(KT_LETTER, c).
constexpr std::uint16_t letter(char c)
{
    return static_cast<std::uint16_t>(0x0b00 | c);
}

Keymap small_keymap()
{
    Keymap keymap;
    keymap.tables.push_back({0, {0x0200, 0x001b, letter('a')}});
    keymap.tables.push_back({2, {0x0200, 0x0040}});
    keymap.strings.push_back({0, "\033[[A"});
    keymap.strings.push_back({5, ""});
    keymap.accents.push_back(Accent{'^', 'e', 0xea});
    return keymap;
}

std::string read_built_keymap(const std::string& name)
{
    auto path = std::filesystem::path(B2C_KEYMAP_BUILD_DIR) / (name + ".bkm");
    std::ifstream file(path, std::ios::binary);
    INFO("built by the meson target 'keymaps': " << path);
    REQUIRE(file.is_open());
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

using b2c::testing::TempDir;

}  // namespace

TEST_CASE("a keymap file reads back as written, holes filled in", "[keymap]")
{
    auto bytes = b2c::console::encode_keymap_file(small_keymap());
    CHECK(bytes.substr(0, 8) == std::string("B2CKEYS\0", 8));
    auto keymap = parse_keymap_file(bytes, "small.bkm");
    REQUIRE(keymap.tables.size() == 2);
    CHECK(keymap.tables[0].index == 0);
    REQUIRE(keymap.tables[0].keys.size() == 256);
    CHECK(keymap.tables[0].keys[2] == letter('a'));
    CHECK(keymap.tables[0].keys[3] == 0x0200);
    CHECK(keymap.tables[0].keys[255] == 0x0200);
    CHECK(keymap.tables[1].index == 2);
    CHECK(keymap.tables[1].keys[1] == 0x0040);
    REQUIRE(keymap.strings.size() == 2);
    CHECK(keymap.strings[0].text == "\033[[A");
    CHECK(keymap.strings[1].index == 5);
    CHECK(keymap.strings[1].text.empty());
    REQUIRE(keymap.accents.size() == 1);
    CHECK(keymap.accents[0].diacr == '^');
    CHECK(keymap.accents[0].result == 0xea);
}

TEST_CASE("the compiled fr map is AZERTY, us is QWERTY", "[keymap]")
{
    auto fr = parse_keymap_file(read_built_keymap("fr"), "fr.bkm");
    auto us = parse_keymap_file(read_built_keymap("us"), "us.bkm");
    REQUIRE(!fr.tables.empty());
    REQUIRE(fr.tables[0].index == 0);  // the plain table
    CHECK(fr.tables[0].keys[16] == letter('a'));
    CHECK(fr.tables[0].keys[30] == letter('q'));
    CHECK(fr.tables[0].keys[17] == letter('z'));
    REQUIRE(us.tables[0].index == 0);
    CHECK(us.tables[0].keys[16] == letter('q'));
    CHECK(us.tables[0].keys[30] == letter('a'));
    // F1 sends ESC [ [ A in every console-data map.
    REQUIRE(!fr.strings.empty());
    CHECK(fr.strings[0].index == 0);
    CHECK(fr.strings[0].text == "\033[[A");
}

TEST_CASE("fr-latin9's compose table has its dead keys, in Unicode", "[keymap]")
{
    auto map = parse_keymap_file(read_built_keymap("fr-latin9"), "fr-latin9.bkm");
    CHECK(map.accents.size() == 156);
    bool circumflex_e = false, euro = false;
    for (const auto& a : map.accents) {
        circumflex_e |= a.diacr == '^' && a.base == 'e' && a.result == 0xea;
        euro |= a.result == 0x20ac;  // above Latin-1: the table must be Unicode
    }
    CHECK(circumflex_e);
    CHECK(euro);
}

TEST_CASE("a keymap file that is not one is refused by name", "[keymap]")
{
    auto bytes = b2c::console::encode_keymap_file(small_keymap());
    bytes[0] = 'X';
    CHECK_THROWS_WITH(parse_keymap_file(bytes, "bad.bkm"), Contains("bad.bkm is not a b2c keymap file"));
    CHECK_THROWS_AS(parse_keymap_file("", "empty.bkm"), KeymapError);
    CHECK_THROWS_WITH(parse_keymap_file("BKEYMAP", "short.bkm"), Contains("not a b2c keymap file"));
}

TEST_CASE("every truncation of a keymap file is an error", "[keymap]")
{
    auto bytes = b2c::console::encode_keymap_file(small_keymap());
    for (std::size_t size = 8; size < bytes.size(); ++size) {
        INFO("first " << size << " bytes of " << bytes.size());
        CHECK_THROWS_WITH(parse_keymap_file(bytes.substr(0, size), "cut.bkm"), Contains("cut.bkm is truncated"));
    }
}

TEST_CASE("version, counts and trailing bytes are checked", "[keymap]")
{
    auto bytes = b2c::console::encode_keymap_file(small_keymap());
    SECTION("another version")
    {
        bytes[8] = 2;
        CHECK_THROWS_WITH(parse_keymap_file(bytes, "v2.bkm"), Contains("format version 2"));
    }
    SECTION("trailing bytes")
    {
        CHECK_THROWS_WITH(parse_keymap_file(bytes + "xx", "long.bkm"), Contains("2 unexpected bytes"));
    }
    SECTION("too many keys in a table")
    {
        bytes[16 + 2] = 0x2c;  // key_count of table 0: 0x012c = 300
        bytes[16 + 3] = 0x01;
        CHECK_THROWS_WITH(parse_keymap_file(bytes, "keys.bkm"), Contains("300 keys in table 0"));
    }
    SECTION("tables out of order")
    {
        auto keymap = small_keymap();
        std::swap(keymap.tables[0], keymap.tables[1]);
        CHECK_THROWS_WITH(parse_keymap_file(b2c::console::encode_keymap_file(keymap), "order.bkm"),
                          Contains("table 0 after table 2"));
    }
}

TEST_CASE("close keymap names: the same language, or a typo away", "[keymap]")
{
    std::vector<std::string> names{"de", "de-latin1", "fr", "fr-latin9", "fr_CH", "sg", "uk", "us"};
    using b2c::console::close_keymap_names;
    CHECK(close_keymap_names("fr", names) == std::vector<std::string>{"fr", "fr-latin9", "fr_CH"});
    CHECK(close_keymap_names("FR-latin1", names) == std::vector<std::string>{"fr", "fr-latin9", "fr_CH"});
    CHECK(close_keymap_names("dr", names) == std::vector<std::string>{"de", "fr"});
    CHECK(close_keymap_names("zz", names).empty());
}

TEST_CASE("an unknown b2c.keymap names the option and what exists", "[keymap]")
{
    TempDir dir;
    dir.write("fr.bkm", "");
    dir.write("fr-latin9.bkm", "");
    dir.write("us.bkm", "");
    dir.write("README", "");
    CHECK(b2c::console::available_keymaps(dir.path) == std::vector<std::string>{"fr", "fr-latin9", "us"});
    // These fail before any console is opened: safe on a workstation.
    CHECK_THROWS_WITH(b2c::console::load_keymap("fr-latin1", dir.path),
                      Contains("b2c.keymap=fr-latin1: no such keymap; did you mean fr, fr-latin9?"));
    CHECK_THROWS_WITH(b2c::console::load_keymap("zz", dir.path),
                      Contains("b2c.keymap=zz: no such keymap; the 3 available are: fr fr-latin9 us"));
    CHECK_THROWS_WITH(b2c::console::load_keymap("fr", dir.path / "none"),
                      Contains("b2c.keymap=fr: this initramfs has no keymaps in"));
    dir.write("de.bkm", std::string("B2CKEYS\0\1", 9));
    CHECK_THROWS_WITH(b2c::console::load_keymap("de", dir.path), Contains("de.bkm is truncated"));
}
