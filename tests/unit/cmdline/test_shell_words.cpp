#include <catch2/catch.hpp>

#include "cmdline/kernel_cmdline.h"

using b2c::cmdline::split_shell_words;
using b2c::cmdline::SyntaxError;
using Words = std::vector<std::string>;

TEST_CASE("shell words: the example of the spec")
{
    CHECK(split_shell_words("-e MSG='hello world' alpine sh -c 'echo $MSG'") ==
          Words{"-e", "MSG=hello world", "alpine", "sh", "-c", "echo $MSG"});
}

TEST_CASE("shell words: white space")
{
    CHECK(split_shell_words("").empty());
    CHECK(split_shell_words("  \t\n ").empty());
    CHECK(split_shell_words("  a\tb\n c  ") == Words{"a", "b", "c"});
}

TEST_CASE("shell words: no expansion of any kind")
{
    CHECK(split_shell_words("echo $HOME ~ * $(id) `id` ${X}") ==
          Words{"echo", "$HOME", "~", "*", "$(id)", "`id`", "${X}"});
}

TEST_CASE("shell words: single quotes keep everything literally")
{
    CHECK(split_shell_words(R"('a "b" \n $c')") == Words{R"(a "b" \n $c)"});
    CHECK(split_shell_words("'a'b'c'") == Words{"abc"});
}

TEST_CASE("shell words: double quotes escape only $ ` \" \\ and newline")
{
    CHECK(split_shell_words(R"("a \$b \`c\` \"d\" \\e \n \x")") == Words{R"(a $b `c` "d" \e \n \x)"});
    CHECK(split_shell_words("\"a\\\nb\"") == Words{"ab"});
    CHECK(split_shell_words(R"("it's")") == Words{"it's"});
}

TEST_CASE("shell words: backslash outside quotes")
{
    CHECK(split_shell_words(R"(a\ b \'c \"d \\)") == Words{"a b", "'c", "\"d", "\\"});
    CHECK(split_shell_words("a\\\nb") == Words{"ab"});
}

TEST_CASE("shell words: empty quoted strings are words")
{
    CHECK(split_shell_words("'' \"\" x") == Words{"", "", "x"});
    CHECK(split_shell_words("-e X=''") == Words{"-e", "X="});
}

TEST_CASE("shell words: mixed quoting forms one word")
{
    CHECK(split_shell_words(R"(--env=A="x y"'z'\ w)") == Words{"--env=A=x yz w"});
}

TEST_CASE("shell words: syntax errors")
{
    CHECK_THROWS_WITH(split_shell_words("sh -c 'echo"), Catch::Contains("unterminated single quote"));
    CHECK_THROWS_WITH(split_shell_words("sh -c \"echo"), Catch::Contains("unterminated double quote"));
    CHECK_THROWS_WITH(split_shell_words("sh -c \"echo \\\""), Catch::Contains("unterminated double quote"));
    CHECK_THROWS_WITH(split_shell_words("echo \\"), Catch::Contains("trailing backslash"));
    CHECK_THROWS_AS(split_shell_words("'"), SyntaxError);
}
