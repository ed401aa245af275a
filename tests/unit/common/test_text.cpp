#include <catch2/catch.hpp>

#include "common/base64.h"
#include "common/ipv4_text.h"
#include "common/redaction.h"
#include "common/text.h"

using namespace b2c;

TEST_CASE("printable: control characters are shown, not sent")
{
    CHECK(printable("plain text") == "plain text");
    CHECK(printable("a\x1b[2Jb") == "a\\x1b[2Jb");
    CHECK(printable(std::string("nul\0byte", 8)) == "nul\\x00byte");
    CHECK(printable("two\nlines\tand tab") == "two\\x0alines\\x09and tab");
    CHECK(printable("two\nlines\tand tab", true) == "two\nlines\tand tab");
    CHECK(printable("del\x7f") == "del\\x7f");
    CHECK(printable("ünïcødé") == "ünïcødé");
}

TEST_CASE("printable: long words are cut, saying how long they were")
{
    std::string word(1000, 'x');
    auto text = printable("value '" + word + "' is bad (expected less)", false, 20);
    CHECK(text == "value '" + std::string(19, 'x') + "...(1002 bytes) is bad (expected less)");
    CHECK(printable(std::string(20, 'y'), false, 20) == std::string(20, 'y'));
}

TEST_CASE("redact: every occurrence of every secret, however short")
{
    CHECK(redact("pw=ab and ab again", {"ab"}) == "pw=*** and *** again");
    CHECK(redact("nothing", {""}) == "nothing");
    CHECK(redact("k1 k2", {"k1", "k2"}) == "*** ***");
}

TEST_CASE("IPv4 addresses and netmasks as text", "[text]")
{
    CHECK(ipv4_to_string(0x0a00020f) == "10.0.2.15");
    CHECK(ipv4_list_to_string({0x01010101, 0x08080808}, ",") == "1.1.1.1,8.8.8.8");
    CHECK(netmask_to_prefix(0xffffff00) == 24);
    CHECK(netmask_to_prefix(0xffffffff) == 32);
    CHECK(netmask_to_prefix(0) == 0);
    CHECK(netmask_to_prefix(0xff00ff00) == -1);
    CHECK(prefix_to_netmask(20) == 0xfffff000);
    CHECK(prefix_to_netmask(0) == 0);
}

TEST_CASE("base 64 both ways, padding optional or required")
{
    CHECK(encode_base64("") == "");
    CHECK(encode_base64("f") == "Zg==");
    CHECK(encode_base64("fo") == "Zm8=");
    CHECK(encode_base64("foobar") == "Zm9vYmFy");
    CHECK(decode_base64("Zm8") == std::optional<std::string>("fo"));
    CHECK_FALSE(decode_base64("Zm8", Padding::required));
    CHECK(decode_base64("Zm8=", Padding::required) == std::optional<std::string>("fo"));
    CHECK_FALSE(decode_base64("Zm!="));
    std::string all;
    for (int c = 0; c < 256; ++c)
        all += static_cast<char>(c);
    CHECK(decode_base64(encode_base64(all), Padding::required) == all);
}

// Found by fuzz_base64: "" is the encoding of no bytes (RFC 4648 section
// 10), also where padding is required; a caller wanting bytes checks sizes.
TEST_CASE("base 64 of nothing is the empty text, both ways")
{
    CHECK(decode_base64("") == std::optional<std::string>(""));
    CHECK(decode_base64("", Padding::required) == std::optional<std::string>(""));
    CHECK(decode_base64(encode_base64(""), Padding::required) == std::optional<std::string>(""));
}

TEST_CASE("edit distance, and the bounded test the hints use")
{
    CHECK(b2c::edit_distance("b2c.cache_devce", "b2c.cache_device") == 1);
    CHECK(b2c::edit_distance("", "abc") == 3);
    CHECK(b2c::edit_distance("kitten", "sitting") == 3);
    CHECK(b2c::within_edit_distance("b2c.ru", "b2c.run", 2));
    CHECK(b2c::within_edit_distance("b2c.rnu", "b2c.run", 2));
    CHECK_FALSE(b2c::within_edit_distance("kitten", "sitting", 2));
    CHECK(b2c::within_edit_distance("kitten", "sitting", 3));
    // Lengths three apart are never within 2, whatever the letters.
    CHECK_FALSE(b2c::within_edit_distance("b2c.run", "b2c.run___", 2));
    CHECK_FALSE(b2c::within_edit_distance(std::string(4000, 'x'), "b2c.run", 2));
}
