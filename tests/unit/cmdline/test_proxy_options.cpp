// b2c.proxy: the syntax ci-tron farms send, good and bad values, and the
// proxy's password never shown.
#include <catch2/catch.hpp>

#include "cmdline/secrets.h"
#include "helpers.h"

using namespace b2c::cmdline;
using namespace b2c::cmdline::test;

TEST_CASE("b2c.proxy: ci-tron's form, an https proxy only")
{
    auto config = parse_config("b2c.proxy=\"https=http://10.42.0.1:8080\"");
    CHECK(config.diagnostics.empty());
    REQUIRE(config.network.proxy);
    CHECK(config.network.proxy->https == "http://10.42.0.1:8080");
    CHECK(config.network.proxy->http.empty());
    CHECK(config.network.proxy->no_proxy.empty());
    CHECK(contains(describe(config), "proxy: https:// through http://10.42.0.1:8080, http:// directly"));
    CHECK(read_in("b2c.proxy") == ReadIn::proxy);
}

TEST_CASE("b2c.proxy: both proxies and a no_proxy list, by commas or semicolons")
{
    auto config = parse_config("b2c.proxy=https=https://proxy.example:3128/,http=http://[fd00::1]:80,"
                               "no_proxy=localhost,.lan,10.0.0.0/8;ci-gateway:8000");
    CHECK(config.diagnostics.empty());
    REQUIRE(config.network.proxy);
    CHECK(config.network.proxy->https == "https://proxy.example:3128/");
    CHECK(config.network.proxy->http == "http://[fd00::1]:80");
    CHECK(config.network.proxy->no_proxy ==
          std::vector<std::string>{"localhost", ".lan", "10.0.0.0/8", "ci-gateway:8000"});
    CHECK(contains(describe(config), "not for localhost,.lan,10.0.0.0/8,ci-gateway:8000"));
    // Without a port: the scheme's.
    CHECK(parse_config("b2c.proxy=http=http://proxy").diagnostics.empty());
}

TEST_CASE("b2c.proxy: bad values are errors naming the option, unknown keys warnings")
{
    for (const auto& [line, expected] : std::vector<std::pair<std::string, std::string>>{
             {"b2c.proxy=https=ftp://p:21", "https=ftp://p:21 is not an http:// or https:// URL"},
             {"b2c.proxy=https=http://", "is not an http:// or https:// URL"},
             // Shorter than a scheme: found by fuzzing (an out_of_range thrown).
             {"b2c.proxy=https=h", "https=h is not an http:// or https:// URL"},
             {"b2c.proxy=http=p@", "http=p@ is not an http:// or https:// URL"},
             {"b2c.proxy=https=http://:8080", "has no host"},
             {"b2c.proxy=https=http://p:0", "has a bad port '0'"},
             {"b2c.proxy=http=http://p:99999", "has a bad port '99999'"},
             {"b2c.proxy=https=http://p:80x", "has a bad port '80x'"},
             {"b2c.proxy=https=http://p:8080/path", "has a path"},
             {"b2c.proxy=https=http://bad_host!:1", "has a bad host"},
             {"b2c.proxy=https=", "https= needs a value"},
             {"b2c.proxy=", "no proxy given (expected https=URL and/or http=URL"},
             {"b2c.proxy=no_proxy=localhost", "no proxy given"},
             {"b2c.proxy=http://10.42.0.1:8080", "'http://10.42.0.1:8080' has no key"},
             {"b2c.proxy", "needs a value (expected b2c.proxy=\"https=URL[,http=URL][,no_proxy=LIST]\")"},
             {"b2c.proxy=\"https=http://p:1,no_proxy=a b\"", "no_proxy: 'a b' is not a host"},
         }) {
        INFO(line);
        auto config = parse_config(line);
        auto message = only_error(config);
        CHECK(message.rfind("b2c.proxy: ", 0) == 0);
        CHECK(contains(message, expected));
        // One "(expected ...)" at most: a message that says it twice reads badly.
        CHECK(message.find("(expected") == message.rfind("(expected"));
        CHECK_FALSE(config.network.proxy);
    }
    auto config = parse_config("b2c.proxy=https=http://p:1,ftp=http://p:2");
    CHECK(errors(config).empty());
    CHECK(contains(only_warning(config), "b2c.proxy: unknown sub-option 'ftp' ignored (expected https=URL"));
    REQUIRE(config.network.proxy);
    config = parse_config("b2c.proxy=https=http://p:1,https=http://q:2");
    CHECK(contains(only_warning(config), "https= given twice, the last one wins"));
    CHECK(config.network.proxy->https == "http://q:2");
}

TEST_CASE("b2c.proxy: the user information is a secret")
{
    const std::string line = "b2c.proxy=\"https=http://farm:PWproxy1@gw:8080,http=http://PWalone2@gw:8080\"";
    auto config = parse_config(line);
    CHECK(config.diagnostics.empty());
    REQUIRE(config.network.proxy);
    CHECK(config.network.proxy->https == "http://farm:PWproxy1@gw:8080");  // what libcurl and podman need
    auto found = find_secrets(line);
    for (auto secret : {"farm:PWproxy1", "PWproxy1", "PWalone2"})
        CHECK(std::find(found.begin(), found.end(), secret) != found.end());
    CHECK(redact_cmdline(line) == "b2c.proxy=\"https=http://***@gw:8080,http=http://***@gw:8080\"");
    auto text = describe(config);
    CHECK(contains(text, "https:// through http://***@gw:8080"));
    CHECK_FALSE(contains(text, "PWproxy1"));
    CHECK_FALSE(contains(text, "PWalone2"));
    // Nor in an error about the URL, nor in a warning about what a comma cut.
    for (auto bad : {"b2c.proxy=https=http://u:PWbad3@gw:0", "b2c.proxy=http://u:PWbad3@gw:1",
                     "b2c.proxy=https=http://u:PWbad3@gw:1,cut@gw"}) {
        INFO(bad);
        config = parse_config(bad);
        REQUIRE_FALSE(config.diagnostics.empty());
        for (const auto& d : config.diagnostics)
            CHECK_FALSE(contains(d.message, "PWbad3"));
        CHECK_FALSE(contains(redact_cmdline(bad), "PWbad3"));
    }
}

TEST_CASE("b2c.proxy from an extra-args file is in time for what follows it")
{
    std::vector<ReadIn> done{ReadIn::modules, ReadIn::storage, ReadIn::network, ReadIn::clock, ReadIn::extra_args};
    auto config = with_extra_args("b2c.proxy=https=http://a:1", "b2c.proxy=https=http://b:2,http=http://b:2", done);
    REQUIRE(config.network.proxy);
    CHECK(config.network.proxy->https == "http://b:2");
    CHECK(config.network.proxy->http == "http://b:2");
    CHECK_FALSE(config.has_errors());
}
