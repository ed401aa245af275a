#include <catch2/catch.hpp>

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
