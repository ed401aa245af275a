// Secrets on the command line: found in the raw text, whether or not their
// option parses, and never shown by a diagnostic, describe() or the
// printed command line (issue: "secrets printed when the option holding
// them has an error").
#include <catch2/catch.hpp>

#include <chrono>

#include "cmdline/secrets.h"
#include "helpers.h"

using namespace b2c::cmdline;
using namespace b2c::cmdline::test;

namespace {

struct Case {
    std::string line;
    std::vector<std::string> secrets;
};

// Each line holds secrets inside an option that has an error (or, for the
// quoted first field, that used to be misread).
const std::vector<Case> cases{
    {"b2c.login=docker.io,username=u,password=PWlogin1,tls_verify=maybe", {"PWlogin1"}},
    {"b2c.minio=srv,ftp://h,AKminio1,SKminio1", {"AKminio1", "SKminio1"}},
    {"b2c.minio=srv,AKorder2,SKorder2,https://h", {"AKorder2", "SKorder2"}},
    {"b2c.minio=srv,https://h,AKshort3", {"AKshort3"}},
    {"b2c.minio=srv,https://user:PWurl4@h,AKurl4,SKurl4,extra", {"PWurl4", "AKurl4", "SKurl4"}},
    {"b2c.volume=v,fscrypt_key=NotBase64FscryptKey5", {"NotBase64FscryptKey5"}},
    {"b2c.volume=v,fscrypt_key=QUJDREVGR0g=", {"QUJDREVGR0g="}},
    {"b2c.login=\"docker.io\",username=u,password=PWquoted6,tls_verify=x", {"PWquoted6"}},
    {"b2c.volume=\"v\",encrypt_key=EKquoted7,filesystem=nope", {"EKquoted7"}},
    {"b2c.login=password=PWhead8,username=u", {"PWhead8"}},
    {"b2c.logn=r,username=u,password=PWtypo9", {"PWtypo9"}},
    {"b2c.login=r,username=u,password=\"PW unterminated10", {"PW unterminated10"}},
    {"b2c.run=\"-ti alpine b2c.login=r,username=u,password=PWcut11", {"PWcut11"}},
    {"b2c.volume=v,encrypt_key=\"EK,comma12\",bogus=1", {"EK,comma12"}},
};

bool shows(std::string_view text, const std::string& secret)
{
    return text.find(secret) != std::string_view::npos;
}

}  // namespace

TEST_CASE("secrets: every secret is found in the raw text, parsed or not")
{
    for (const auto& c : cases) {
        INFO(c.line);
        auto found = find_secrets(c.line);
        for (const auto& secret : c.secrets)
            CHECK(std::find(found.begin(), found.end(), secret) != found.end());
    }
}

TEST_CASE("secrets: no diagnostic shows a secret of an option with an error")
{
    for (const auto& c : cases) {
        INFO(c.line);
        auto config = parse_config(c.line);
        for (const auto& d : config.diagnostics) {
            INFO(d.message);
            for (const auto& secret : c.secrets)
                CHECK_FALSE(shows(d.message, secret));
        }
        // What the runtime redacts from podman's logs includes them too.
        auto all = config.secrets();
        for (const auto& secret : c.secrets)
            CHECK(std::find(all.begin(), all.end(), secret) != all.end());
    }
}

TEST_CASE("secrets: the printed command line masks them in place")
{
    for (const auto& c : cases) {
        INFO(c.line);
        auto printed = redact_cmdline(c.line);
        for (const auto& secret : c.secrets)
            CHECK_FALSE(shows(printed, secret));
    }
    // Only the values go: the rest of the line stays readable, short
    // passwords included.
    CHECK(redact_cmdline("quiet b2c.login=r,username=u,password=ab b2c.run=alpine") ==
          "quiet b2c.login=r,username=u,password=*** b2c.run=alpine");
    CHECK(redact_cmdline("b2c.minio=s,https://h,AK,SK b2c.volume=v,fscrypt_key=\"K\"") ==
          "b2c.minio=s,https://h,***,*** b2c.volume=v,fscrypt_key=\"***\"");
    // The quotes around a whole value stay where they are.
    CHECK(redact_cmdline("b2c.minio=\"gw,http://h:9000,AK,SK\" quiet") ==
          "b2c.minio=\"gw,http://h:9000,***,***\" quiet");
    CHECK(redact_cmdline("b2c.minio=s,https://me:pw@h:9000,AK,SK") == "b2c.minio=s,https://***@h:9000,***,***");
}

TEST_CASE("secrets: an extra-args file with an unterminated quote is printed masked")
{
    std::string file = "b2c.run=\"-ti alpine\nb2c.login=r,username=u,password=PWfile13\n"
                       "b2c.minio=s,https://h,AKfile13,SKfile13\n";
    auto printed = redact_cmdline(file);
    for (auto secret : {"PWfile13", "AKfile13", "SKfile13"})
        CHECK_FALSE(shows(printed, secret));
}

TEST_CASE("secrets: the documented quoted first field parses")
{
    auto config = parse_config("b2c.login=\"docker.io\",username=u,password=PW");
    REQUIRE(config.diagnostics.empty());
    REQUIRE(config.pipeline.logins.size() == 1);
    CHECK(config.pipeline.logins[0].registry == "docker.io");
    CHECK(config.pipeline.logins[0].password == "PW");
    config = parse_config("b2c.volume=\"v\",expiration=pipeline_end");
    REQUIRE(config.diagnostics.empty());
    CHECK(config.storage.volumes.at(0).name == "v");
}

TEST_CASE("secrets: describe() hides a URL's user information")
{
    auto text = describe(parse_config("b2c.minio=s,https://me:PWdesc@h:9000,AK,SK"));
    CHECK_FALSE(shows(text, "PWdesc"));
    CHECK(shows(text, "https://***@h:9000"));
}

TEST_CASE("messages: control characters are escaped and huge values cut")
{
    auto config = parse_config("b2c.hostname=\x1b[2Jevil\x07");
    auto message = only_error(config);
    CHECK_FALSE(shows(message, "\x1b"));
    CHECK_FALSE(shows(message, "\x07"));
    CHECK(shows(message, "\\x1b[2Jevil\\x07"));

    std::string huge(100000, 'x');
    config = parse_config("b2c.swap=" + huge);
    message = only_error(config);
    CHECK(message.size() < 600);
    CHECK(shows(message, "b2c.swap: "));
    CHECK(shows(message, "expected"));  // the hint survives the cut
}

TEST_CASE("an unterminated quote's error names its option")
{
    auto config = parse_config("quiet b2c.run=\"-ti alpine");
    REQUIRE(errors(config).size() == 1);
    CHECK(errors(config)[0].option == "b2c.run");
    CHECK(only_error(config).starts_with("b2c.run: unterminated double quote"));
}

TEST_CASE("parsing many options takes linear time")
{
    // About 1 MiB of b2c.volume options: 23 s when each new name was
    // compared with every earlier one.
    std::string line;
    for (int i = 0; line.size() < (1u << 20); ++i)
        line += "b2c.volume=volume-number-" + std::to_string(i) + " ";
    auto start = std::chrono::steady_clock::now();
    auto config = parse_config(line);
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(config.diagnostics.empty());
    CHECK(config.storage.volumes.size() > 30000);
    CHECK(seconds < 5.0);
}
