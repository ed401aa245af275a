#include <catch2/catch.hpp>

#include "helpers.h"

using namespace b2c::cmdline;
using namespace b2c::cmdline::test;
using Words = std::vector<std::string>;

TEST_CASE("b2c.run: split into podman arguments, text kept")
{
    auto config = parse_config(R"(b2c.run="-e MSG='hello world' alpine sh -c 'echo $MSG'" b2c.run=-ti)");
    CHECK(config.diagnostics.empty());
    REQUIRE(config.pipeline.runs.size() == 2);
    CHECK(config.pipeline.runs[0].args == Words{"-e", "MSG=hello world", "alpine", "sh", "-c", "echo $MSG"});
    CHECK(config.pipeline.runs[0].text == "-e MSG='hello world' alpine sh -c 'echo $MSG'");
    CHECK(config.pipeline.runs[1].args == Words{"-ti"});
}

TEST_CASE("b2c.run_service and b2c.run_post keep their order")
{
    auto config = parse_config(R"(b2c.run_service="-t svc1" b2c.run_post="-t post1" b2c.run_service="-t svc2" )"
                               R"(b2c.run_post="-t post2")");
    CHECK(config.diagnostics.empty());
    REQUIRE(config.pipeline.services.size() == 2);
    CHECK(config.pipeline.services[1].args == Words{"-t", "svc2"});
    REQUIRE(config.pipeline.posts.size() == 2);
    CHECK(config.pipeline.posts[0].text == "-t post1");
}

TEST_CASE("legacy container names map to the canonical ones")
{
    auto config = parse_config("b2c.container=a b2c.service=s b2c.post_container=p b2c.run=b");
    CHECK(config.diagnostics.empty());
    REQUIRE(config.pipeline.runs.size() == 2);
    CHECK(config.pipeline.runs[0].args == Words{"a"});
    CHECK(config.pipeline.runs[1].args == Words{"b"});
    CHECK(config.pipeline.services.size() == 1);
    CHECK(config.pipeline.posts.size() == 1);
    CHECK(config.options_given == Words{"b2c.run", "b2c.run_service", "b2c.run_post"});
}

TEST_CASE("container options: empty values and quoting errors")
{
    for (auto line : {"b2c.run=", R"(b2c.run="")", R"(b2c.run="  ")", "b2c.run"}) {
        auto config = parse_config(line);
        CHECK(config.has_errors());
        CHECK(config.pipeline.runs.empty());
        CHECK(contains(only_error(config), "b2c.run"));
    }
    auto config = parse_config(R"(b2c.run_post="sh -c 'echo")");
    CHECK(config.pipeline.posts.empty());
    CHECK(errors(config).at(0).option == "b2c.run_post");
    CHECK(contains(only_error(config), "unterminated single quote"));
}

TEST_CASE("b2c.pipefail")
{
    CHECK_FALSE(parse_config("").pipeline.pipefail);
    CHECK(parse_config("b2c.pipefail").pipeline.pipefail);
    CHECK(parse_config("b2c.pipefail=true").pipeline.pipefail);
    CHECK_FALSE(parse_config("b2c.pipefail=false").pipeline.pipefail);
    auto config = parse_config("b2c.pipefail=maybe");
    CHECK(contains(only_error(config), "b2c.pipefail: maybe"));
}

TEST_CASE("b2c.login with quoted sub-option values")
{
    auto config = parse_config(R"(b2c.login=docker.io,username="me",password="p w")");
    CHECK(config.diagnostics.empty());
    REQUIRE(config.pipeline.logins.size() == 1);
    const auto& login = config.pipeline.logins[0];
    CHECK(login.registry == "docker.io");
    CHECK(login.username == "me");
    CHECK(login.password == "p w");
    CHECK(login.tls_verify);
}

TEST_CASE("b2c.login: a quoted password may hold a comma")
{
    auto config = parse_config(R"(b2c.login=r.io,username=u,password="a,b=c",tls_verify=false)");
    CHECK(config.diagnostics.empty());
    REQUIRE(config.pipeline.logins.size() == 1);
    CHECK(config.pipeline.logins[0].password == "a,b=c");
    CHECK_FALSE(config.pipeline.logins[0].tls_verify);
}

TEST_CASE("b2c.login: repeatable")
{
    auto config = parse_config("b2c.login=a.io,username=u,password=p1 b2c.login=b.io,username=v,password=p2");
    CHECK(config.diagnostics.empty());
    CHECK(config.pipeline.logins.size() == 2);
}

TEST_CASE("b2c.login: missing fields and bad values")
{
    auto config = parse_config("b2c.login=docker.io,username=me");
    CHECK(config.pipeline.logins.empty());
    CHECK(contains(only_error(config), "b2c.login: login to docker.io misses password="));

    config = parse_config("b2c.login=docker.io,password=secretpw");
    CHECK(contains(only_error(config), "misses username="));
    CHECK_FALSE(contains(only_error(config), "secretpw"));

    config = parse_config("b2c.login=,username=u,password=secretpw");
    CHECK(contains(only_error(config), "is not a registry"));

    config = parse_config("b2c.login=r.io,username=u,password=secretpw,tls_verify=maybe");
    CHECK(contains(only_error(config), "tls_verify=maybe is not a boolean"));
}

TEST_CASE("b2c.login: an unquoted comma in the password is not echoed")
{
    auto config = parse_config("b2c.login=r.io,username=u,password=abcd,efgh");
    REQUIRE(warnings(config).size() == 1);
    auto message = only_warning(config);
    CHECK(contains(message, "password="));
    CHECK_FALSE(contains(message, "efgh"));
    CHECK_FALSE(contains(message, "abcd"));
}

TEST_CASE("b2c.login: an unknown sub-option is a warning that names it")
{
    auto config = parse_config("b2c.login=r.io,flavour=x,username=u,password=pw");
    CHECK_FALSE(config.has_errors());
    CHECK(config.pipeline.logins.size() == 1);
    CHECK(contains(only_warning(config), "b2c.login"));
    CHECK(contains(only_warning(config), "flavour"));
}

TEST_CASE("b2c.pull_stall_timeout (extension)")
{
    CHECK(parse_config("").pipeline.pull_stall_timeout.count() == 600);
    CHECK(parse_config("b2c.pull_stall_timeout=30").pipeline.pull_stall_timeout.count() == 30);
    for (auto bad : {"soon", "-1", "5", "100000"}) {
        INFO(bad);
        auto config = parse_config(std::string("b2c.pull_stall_timeout=") + bad);
        CHECK(config.pipeline.pull_stall_timeout.count() == 600);
        CHECK(contains(only_error(config), "b2c.pull_stall_timeout: "));
    }
    CHECK(contains(describe(parse_config("b2c.pull_stall_timeout=30")), "pulls stopped after 30 s without progress"));
}
