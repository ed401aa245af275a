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

TEST_CASE("b2c.kube and b2c.kube_service: pods at their place among the containers")
{
    auto config = parse_config(R"(b2c.run=a b2c.kube=http://10.0.0.1/job.yaml b2c.run=b )"
                               R"(b2c.kube_service="--tls-verify=false https://farm/web.yaml" )"
                               R"(b2c.kube="--creds u:p file:///mnt/pods/job.yaml")");
    CHECK(config.diagnostics.empty());
    REQUIRE(config.pipeline.runs.size() == 4);
    CHECK_FALSE(config.pipeline.runs[0].is_pod());
    CHECK(config.pipeline.runs[1].is_pod());
    CHECK(config.pipeline.runs[1].kube_url == "http://10.0.0.1/job.yaml");
    CHECK(config.pipeline.runs[1].args.empty());
    CHECK(config.pipeline.runs[1].text == "http://10.0.0.1/job.yaml");
    CHECK(config.pipeline.runs[2].args == Words{"b"});
    CHECK(config.pipeline.runs[3].kube_url == "file:///mnt/pods/job.yaml");
    CHECK(config.pipeline.runs[3].args == Words{"--creds", "u:p"});
    REQUIRE(config.pipeline.services.size() == 1);
    CHECK(config.pipeline.services[0].kube_url == "https://farm/web.yaml");
    CHECK(config.pipeline.services[0].args == Words{"--tls-verify=false"});
    CHECK(config.options_given == Words{"b2c.run", "b2c.kube", "b2c.kube_service"});
    auto text = describe(config);
    CHECK(contains(text, "  run pod: http://10.0.0.1/job.yaml\n"));
    CHECK(contains(text, "  service pod: --tls-verify=false https://farm/web.yaml\n"));
}

TEST_CASE("b2c.kube: what is not an option and a URL is refused, naming the option")
{
    for (auto [line, option, says] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"b2c.kube=", "b2c.kube", "empty value"},
             {"b2c.kube_service", "b2c.kube_service", "needs a value"},
             {"b2c.kube=pod.yaml", "b2c.kube", "'pod.yaml' is not the URL of a pod's YAML"},
             {"b2c.kube=ftp://h/pod.yaml", "b2c.kube", "'ftp://h/pod.yaml' is not the URL"},
             {"b2c.kube=http://", "b2c.kube", "'http://' is not the URL"},
             {"b2c.kube=file://relative/pod.yaml", "b2c.kube", "is not the URL"},
             {R"(b2c.kube_service="http://h/pod.yaml --replace")", "b2c.kube_service", "'--replace' is not the URL"},
             {R"(b2c.kube="--creds 'u http://h/pod.yaml")", "b2c.kube", "unterminated single quote"},
         }) {
        INFO(line);
        auto config = parse_config(line);
        CHECK(config.pipeline.runs.empty());
        CHECK(config.pipeline.services.empty());
        REQUIRE(errors(config).size() == 1);
        CHECK(errors(config).at(0).option == option);
        CHECK(contains(only_error(config), says));
    }
}
