#include <catch2/catch.hpp>

#include <algorithm>

#include "cmdline/kernel_cmdline.h"

using b2c::cmdline::Param;
using b2c::cmdline::SyntaxError;
using b2c::cmdline::tokenize_kernel_cmdline;

namespace {

std::vector<std::string> names(const std::vector<Param>& params)
{
    std::vector<std::string> out;
    for (const auto& p : params)
        out.push_back(p.name);
    return out;
}

}  // namespace

TEST_CASE("tokenizer: plain parameters, flags and values")
{
    auto params = tokenize_kernel_cmdline("console=ttyS0 quiet b2c.pipefail b2c.hostname=web\n");
    REQUIRE(params.size() == 4);
    CHECK(names(params) == std::vector<std::string>{"console", "quiet", "b2c.pipefail", "b2c.hostname"});
    CHECK(params[0].value == "ttyS0");
    CHECK_FALSE(params[1].value);
    CHECK_FALSE(params[2].value);
    CHECK(params[3].value == "web");
}

TEST_CASE("tokenizer: empty input and white space only")
{
    CHECK(tokenize_kernel_cmdline("").empty());
    CHECK(tokenize_kernel_cmdline(" \t\n").empty());
}

TEST_CASE("tokenizer: tabs and newlines separate parameters")
{
    auto params = tokenize_kernel_cmdline("a=1\tb=2\n c=3\r\n");
    CHECK(names(params) == std::vector<std::string>{"a", "b", "c"});
    CHECK(params[2].value == "3");
}

TEST_CASE("tokenizer: a quoted value keeps its white space, quotes removed")
{
    auto params = tokenize_kernel_cmdline(R"(b2c.run="-ti docker.io/library/alpine:3.20 sh" quiet)");
    REQUIRE(params.size() == 2);
    CHECK(params[0].name == "b2c.run");
    CHECK(params[0].value == "-ti docker.io/library/alpine:3.20 sh");
    CHECK(params[1].name == "quiet");
}

TEST_CASE("tokenizer: single quotes inside double quotes are kept")
{
    auto params = tokenize_kernel_cmdline(R"(b2c.run="-e MSG='hello world' alpine sh -c 'echo $MSG'")");
    REQUIRE(params.size() == 1);
    CHECK(params[0].value == "-e MSG='hello world' alpine sh -c 'echo $MSG'");
}

TEST_CASE("tokenizer: a whole quoted parameter")
{
    auto params = tokenize_kernel_cmdline(R"("b2c.run=-ti alpine" "quiet")");
    REQUIRE(params.size() == 2);
    CHECK(params[0].name == "b2c.run");
    CHECK(params[0].value == "-ti alpine");
    CHECK(params[1].name == "quiet");
    CHECK_FALSE(params[1].value);
}

TEST_CASE("tokenizer: quotes inside a value are kept, as the kernel does")
{
    auto params = tokenize_kernel_cmdline(R"(b2c.login=docker.io,username="me",password="p w")");
    REQUIRE(params.size() == 1);
    CHECK(params[0].value == R"(docker.io,username="me",password="p w")");
}

TEST_CASE("tokenizer: empty values")
{
    auto params = tokenize_kernel_cmdline(R"(b2c.x= b2c.y="" b2c.z)");
    REQUIRE(params.size() == 3);
    CHECK(params[0].value == "");
    CHECK(params[1].value == "");
    CHECK_FALSE(params[2].value);
}

TEST_CASE("tokenizer: only the first = separates name and value")
{
    auto params = tokenize_kernel_cmdline("b2c.run=-e=A=B");
    REQUIRE(params.size() == 1);
    CHECK(params[0].name == "b2c.run");
    CHECK(params[0].value == "-e=A=B");
}

TEST_CASE("tokenizer: a lone pair of quotes is not a parameter")
{
    CHECK(tokenize_kernel_cmdline(R"("" quiet)").size() == 1);
}

TEST_CASE("tokenizer: an unterminated double quote names the parameter")
{
    try {
        tokenize_kernel_cmdline(R"(quiet b2c.run="-ti alpine)");
        FAIL("no SyntaxError");
    } catch (const SyntaxError& e) {
        CHECK(std::string(e.what()) ==
              "b2c.run: unterminated double quote (its value runs to the end of the command line; close the quote)");
        CHECK(e.parameter() == "b2c.run");
    }
    CHECK_THROWS_AS(tokenize_kernel_cmdline(R"(b2c.x=")"), SyntaxError);
    CHECK_THROWS_AS(tokenize_kernel_cmdline(R"("quiet)"), SyntaxError);
}

TEST_CASE("tokenizer: an unterminated quote does not show later options or secrets")
{
    try {
        tokenize_kernel_cmdline(R"(b2c.run="-ti alpine b2c.login=r,username=u,password=topsecret)");
        FAIL("no SyntaxError");
    } catch (const SyntaxError& e) {
        CHECK(std::string(e.what()).find("alpine") == std::string::npos);
        CHECK(std::string(e.what()).find("topsecret") == std::string::npos);
    }
    try {
        tokenize_kernel_cmdline(R"(b2c.login=r,username=u,password="top secret)");
        FAIL("no SyntaxError");
    } catch (const SyntaxError& e) {
        std::string message = e.what();
        CHECK(message.find("b2c.login") != std::string::npos);
        CHECK(message.find("top") == std::string::npos);
    }
}

TEST_CASE("tokenizer: a value that opens with a quote it closes early keeps its quotes")
{
    // The documented way to quote a sub-option's first field.
    auto params = tokenize_kernel_cmdline(R"(b2c.login="docker.io",username=u,password="p w" quiet)");
    REQUIRE(params.size() == 2);
    CHECK(params[0].value == R"("docker.io",username=u,password="p w")");
    params = tokenize_kernel_cmdline(R"(b2c.run="-ti alpine")");
    CHECK(params[0].value == "-ti alpine");
}

TEST_CASE("scan_params: positions, and an unterminated quote runs to the end")
{
    std::string text = R"(quiet b2c.x="a b" b2c.y="c d)";
    auto spans = b2c::cmdline::scan_params(text);
    REQUIRE(spans.size() == 3);
    CHECK(text.substr(spans[1].begin, spans[1].end - spans[1].begin) == R"(b2c.x="a b")");
    CHECK(text.substr(spans[1].value_begin, spans[1].end - spans[1].value_begin) == R"("a b")");
    CHECK_FALSE(spans[1].unterminated);
    CHECK(spans[2].unterminated);
    CHECK(spans[2].end == text.size());
}

TEST_CASE("tokenizer: \\\" inside a double-quoted value is a literal quote")
{
    // Mesa escapes its container command that way (`replace('"', '\\"')`).
    auto params = tokenize_kernel_cmdline(
        R"(b2c.run="-v r:/b docker://h/mesa:1 bash -euc \"tar xf install.tar; ./init.sh\"" quiet)");
    REQUIRE(params.size() == 2);
    CHECK(params[0].value == R"(-v r:/b docker://h/mesa:1 bash -euc "tar xf install.tar; ./init.sh")");
    CHECK(params[1].name == "quiet");
    // The container's words: the escaped quotes group what they enclose.
    auto words = b2c::cmdline::split_shell_words(*params[0].value);
    REQUIRE(words.size() == 6);
    CHECK(words[5] == "tar xf install.tar; ./init.sh");
    // A whole quoted parameter, and a value quoted early, likewise.
    params = tokenize_kernel_cmdline(R"("b2c.run=sh -c \"echo a b\"" b2c.x="a\"b",c)");
    REQUIRE(params.size() == 2);
    CHECK(params[0].value == R"(sh -c "echo a b")");
    CHECK(params[1].value == R"("a"b",c)");
    // Outside a quote a backslash is left as it is, and a quote still opens one.
    params = tokenize_kernel_cmdline(R"(b2c.x=a\b b2c.y=\"c d" e)");
    REQUIRE(params.size() == 3);
    CHECK(params[0].value == R"(a\b)");
    CHECK(params[1].value == R"(\"c d")");
}

TEST_CASE("extra-args file: comment lines go, quoted values may span lines")
{
    using b2c::cmdline::without_comment_lines;
    // ci-tron's shape: `#!jinja2` first, one option a line, a command of two lines.
    std::string file = "#!jinja2\n"
                       "b2c.pipefail\n"
                       "  # an indented comment\n"
                       "b2c.run=\"--entrypoint sh img -euc 'echo one\n"
                       "# not a comment: inside the quote\n"
                       "echo two'\" b2c.x=a#b\n"
                       "b2c.y=\"c \\\" # d\"\n"
                       "# last line without a newline";
    auto text = without_comment_lines(file);
    CHECK(text.find("jinja2") == std::string::npos);
    CHECK(text.find("indented") == std::string::npos);
    CHECK(text.find("last line") == std::string::npos);
    auto params = tokenize_kernel_cmdline(text);
    REQUIRE(params.size() == 4);
    CHECK(params[0].name == "b2c.pipefail");
    CHECK(params[1].value == "--entrypoint sh img -euc 'echo one\n# not a comment: inside the quote\necho two'");
    CHECK(params[2].value == "a#b");
    CHECK(params[3].value == "c \" # d");
    auto words = b2c::cmdline::split_shell_words(*params[1].value);
    REQUIRE(words.size() == 5);
    CHECK(words[4] == "echo one\n# not a comment: inside the quote\necho two");
    // Line numbers are kept: a comment line leaves its newline.
    CHECK(std::count(text.begin(), text.end(), '\n') == std::count(file.begin(), file.end(), '\n'));
}
