#include <catch2/catch.hpp>

#include <algorithm>

#include "pipeline/podman_args.h"
#include "pipeline/status.h"

using namespace b2c::pipeline;
using b2c::cmdline::ContainerSpec;
using b2c::cmdline::RegistryLogin;

namespace {

ContainerSpec spec(std::vector<std::string> args, std::string text)
{
    return {std::move(args), std::move(text)};
}

}  // namespace

TEST_CASE("create_argv puts our flags first and the user's arguments after, unchanged")
{
    auto user = spec({"-ti", "-e", "MSG=hello world", "--network=none", "alpine", "sh", "-c", "echo $MSG"}, "-ti ...");
    auto argv = create_argv(user, Status{}, false);
    REQUIRE(argv.size() == 6 + 10 + user.args.size());
    CHECK(Argv(argv.begin(), argv.begin() + 6) ==
          Argv{"podman", "create", "--privileged", "--network=host", "--pull=always", "--http-proxy=false"});
    CHECK(Argv(argv.end() - user.args.size(), argv.end()) == user.args);
    for (std::size_t i = 6; i < 16; i += 2)
        CHECK(argv[i] == "-e");
}

TEST_CASE("containers get no proxy variable unless their arguments ask for one")
{
    // podman copies https_proxy & co. (b2c.proxy's, in its environment)
    // into a container unless told not to; the user's flags come after ours.
    auto argv = create_argv(spec({"--env", "https_proxy=http://p:3128", "alpine"}, "..."), Status{}, true);
    auto ours = std::find(argv.begin(), argv.end(), "--http-proxy=false");
    auto users = std::find(argv.begin(), argv.end(), "--env");
    REQUIRE(ours != argv.end());
    REQUIRE(users != argv.end());
    CHECK(ours < users);
}

TEST_CASE("a run or a post is created --rm: the start that waits for it removes it")
{
    auto argv = create_argv(spec({"alpine"}, "alpine"), Status{}, true);
    CHECK(Argv(argv.begin(), argv.begin() + 7) ==
          Argv{"podman", "create", "--privileged", "--network=host", "--pull=always", "--http-proxy=false", "--rm"});
    CHECK(argv.back() == "alpine");
}

TEST_CASE("an image run by its ID is never pulled: no registry has it")
{
    using Args = std::vector<std::string>;
    const std::string id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    for (const auto& args : {Args{"-ti", "sha256:" + id, "check"}, Args{id}, Args{"-v", "r:/r", "--", id},
                             Args{"-e", "X=sha256", "-w", "/b", id, "sh"}})
        CHECK(create_argv(spec(args, "by id"), Status{}, true)[4] == "--pull=never");
    // Names, or an ID in the container's own arguments: pulled as always.
    for (const auto& args : {Args{"alpine", id}, Args{"-ti", "docker://h/img@sha256:" + id}, Args{id.substr(1)},
                             Args{"sha256:" + id.substr(0, 12)}, Args{"0123456789ABCDEF" + id.substr(16)},
                             Args{"-e", id, "alpine"}, Args{}})
        CHECK(create_argv(spec(args, "by name"), Status{}, true)[4] == "--pull=always");
}

TEST_CASE("opens_stdin reads -i from podman run's options, never from the image's arguments")
{
    using Args = std::vector<std::string>;
    // Asked for, in every spelling podman's flag parser takes.
    for (const auto& args :
         {Args{"-i", "alpine"}, Args{"-ti", "alpine"}, Args{"-it", "alpine"}, Args{"--interactive", "alpine"},
          Args{"--interactive=true", "alpine"}, Args{"-dit", "alpine"}, Args{"-e", "A=1", "-i", "alpine"},
          Args{"--name", "x", "--rm", "-ti", "docker://alpine", "sh"},
          Args{"-v", "/a:/b", "--tls-verify=false", "-t", "-i", "alpine"}, Args{"-i=true", "alpine"},
          Args{"--volume", "v:/v", "-ti", "alpine"}})
        CHECK(opens_stdin(args));
    // Not asked for, or only in what follows the image.
    for (const auto& args :
         {Args{"alpine"}, Args{"-t", "alpine"}, Args{"alpine", "-i"}, Args{"alpine", "sh", "-c", "read -i x"},
          Args{"--interactive=false", "alpine"}, Args{"-ti", "--interactive=false", "alpine"},
          Args{"-e", "-i", "alpine"}, Args{"--env", "-i", "alpine"}, Args{"-vi", "alpine"}, Args{"-tev=-i", "alpine"},
          Args{"--", "-i"}, Args{"-w", "/tmp", "alpine", "-i"}, Args{}})
        CHECK_FALSE(opens_stdin(args));
}

TEST_CASE("the B2C_PIPELINE_* environment describes the pipeline so far")
{
    Status status;
    CHECK(pipeline_env(status) ==
          std::vector<std::string>{"B2C_PIPELINE_STATUS=0", "B2C_PIPELINE_FAILED_BY=", "B2C_PIPELINE_PREV_CONTAINER=",
                                   "B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE=0", "B2C_PIPELINE_SHUTDOWN_MODE=default"});
    status = {3, "alpine false", "alpine sh -c 'exit 129'", 129, ShutdownMode::reboot};
    auto env = pipeline_env(status);
    CHECK(env[0] == "B2C_PIPELINE_STATUS=3");
    CHECK(env[1] == "B2C_PIPELINE_FAILED_BY=alpine false");
    CHECK(env[2] == "B2C_PIPELINE_PREV_CONTAINER=alpine sh -c 'exit 129'");
    CHECK(env[3] == "B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE=129");
    CHECK(env[4] == "B2C_PIPELINE_SHUTDOWN_MODE=reboot");
    status.shutdown_mode = ShutdownMode::poweroff;
    CHECK(pipeline_env(status)[4] == "B2C_PIPELINE_SHUTDOWN_MODE=poweroff");
}

TEST_CASE("login_argv reads the password from stdin and honours tls_verify")
{
    RegistryLogin login{"registry.local:5000", "me", "s3cret", true};
    CHECK(login_argv(login) == Argv{"podman", "login", "-u", "me", "--password-stdin", "registry.local:5000"});
    login.tls_verify = false;
    auto argv = login_argv(login);
    CHECK(argv == Argv{"podman", "login", "--tls-verify=false", "-u", "me", "--password-stdin", "registry.local:5000"});
    CHECK(std::find(argv.begin(), argv.end(), "s3cret") == argv.end());
}

TEST_CASE("start, stop and clean-up command lines")
{
    CHECK(start_attached_argv("abc", false) == Argv{"podman", "start", "--attach", "abc"});
    CHECK(start_attached_argv("abc", true) == Argv{"podman", "start", "--attach", "--interactive", "abc"});
    CHECK(start_detached_argv("abc") == Argv{"podman", "start", "abc"});
    CHECK(stop_argv("abc") == Argv{"podman", "stop", "--time", "10", "abc"});
    CHECK(remove_argv("abc") == Argv{"podman", "rm", "--force", "--ignore", "abc"});
    CHECK(remove_all_containers_argv() == Argv{"podman", "container", "rm", "--all", "--force"});
    CHECK(prune_dangling_images_argv() == Argv{"podman", "image", "prune", "--force"});
    CHECK(prune_all_images_argv() == Argv{"podman", "image", "prune", "--all", "--force"});
    CHECK(volume_mountpoint_argv("v") == Argv{"podman", "volume", "inspect", "--format", "{{.Mountpoint}}", "v"});
}

TEST_CASE("create is retried with a growing delay")
{
    using std::chrono::seconds;
    CHECK(create_retry_delays(4) == std::vector<seconds>{seconds{2}, seconds{4}, seconds{8}});
    CHECK(create_retry_delays(1).empty());
    CHECK(create_retry_delays(create_attempts).size() == create_attempts - 1);
}

TEST_CASE("exit codes 129 and 130 request a reboot and a power-off")
{
    CHECK(shutdown_request(129) == ShutdownMode::reboot);
    CHECK(shutdown_request(130) == ShutdownMode::poweroff);
    CHECK_FALSE(shutdown_request(0));
    CHECK_FALSE(shutdown_request(1));
    CHECK_FALSE(shutdown_request(137));
    CHECK(to_string(ShutdownMode::default_mode) == "default");
}

TEST_CASE("record_container keeps the first failed run only")
{
    Status status;
    record_container(status, spec({}, "a"), 0, true);
    CHECK(status.status == 0);
    CHECK(status.prev_container == "a");
    record_container(status, spec({}, "b"), 2, true);
    record_container(status, spec({}, "c"), 3, true);
    CHECK(status.status == 2);
    CHECK(status.failed_by == "b");
    CHECK(status.prev_container == "c");
    CHECK(status.prev_container_exit_code == 3);

    Status posts;
    record_container(posts, spec({}, "post"), 130, false);
    CHECK(posts.status == 0);
    CHECK(posts.shutdown_mode == ShutdownMode::poweroff);
}
