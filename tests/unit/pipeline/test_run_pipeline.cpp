#include <algorithm>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "fake_podman.h"
#include "log_capture.h"
#include "pipeline/container_runner.h"
#include "pipeline/podman_args.h"
#include "pipeline/runtime.h"
#include "specs.h"

using namespace b2c::pipeline;
using b2c::cmdline::Config;
using b2c::cmdline::ContainerSpec;
using fake::contains;

using b2c::pipeline::test::container;

namespace {

bool env_has(const std::vector<std::string>& argv, const std::string& assignment)
{
    for (std::size_t i = 0; i + 1 < argv.size(); ++i)
        if (argv[i] == "-e" && argv[i + 1] == assignment)
            return true;
    return false;
}

}  // namespace

TEST_CASE("runs then posts, in order, with the status of the pipeline so far")
{
    fake::Podman podman;
    podman.exit_codes = {{"b", 3}, {"c", 4}};
    Config config;
    config.pipeline.runs = {container("a"), container("b"), container("c")};
    config.pipeline.posts = {container("p1"), container("p2")};

    auto status = run_pipeline(config, podman.runtime());

    CHECK(podman.attached_images() == std::vector<std::string>{"a", "b", "c", "p1", "p2"});
    CHECK(status.status == 3);
    CHECK(status.failed_by == "args of b");
    CHECK(status.prev_container == "args of p2");
    CHECK(status.prev_container_exit_code == 0);
    CHECK(status.shutdown_mode == ShutdownMode::default_mode);

    auto c = podman.create_of("c");
    CHECK(env_has(c, "B2C_PIPELINE_STATUS=3"));
    CHECK(env_has(c, "B2C_PIPELINE_FAILED_BY=args of b"));
    CHECK(env_has(c, "B2C_PIPELINE_PREV_CONTAINER=args of b"));
    CHECK(env_has(c, "B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE=3"));
    auto p1 = podman.create_of("p1");
    CHECK(env_has(p1, "B2C_PIPELINE_PREV_CONTAINER=args of c"));
    CHECK(env_has(p1, "B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE=4"));
    CHECK(env_has(p1, "B2C_PIPELINE_STATUS=3"));
    auto a = podman.create_of("a");
    CHECK(env_has(a, "B2C_PIPELINE_STATUS=0"));
    CHECK(env_has(a, "B2C_PIPELINE_PREV_CONTAINER="));
}

TEST_CASE("a container costs two podman processes: create --rm, then start attached; clean-up at the end")
{
    fake::Podman podman;
    podman.exit_codes = {{"a", 3}};
    Config config;
    config.pipeline.runs = {container("a", {"-ti"}), container("b")};
    config.pipeline.posts = {container("p")};
    auto status = run_pipeline(config, podman.runtime());
    auto lines = podman.lines();
    REQUIRE(lines.size() == 8);
    CHECK(lines[0].rfind("podman create --privileged --network=host --pull=always --http-proxy=false --rm -e ", 0) ==
          0);
    CHECK(lines[1] == "podman start --attach --interactive id0");  // -ti: from the arguments
    CHECK(lines[3] == "podman start --attach id1");
    CHECK(lines[5] == "podman start --attach id2");
    CHECK(lines[6] == "podman container rm --all --force");
    CHECK(lines[7] == "podman image prune --force");
    CHECK_FALSE(podman.calls[1].capture_output);
    CHECK(podman.calls[0].capture_output);
    // The exit code is podman start's; the containers are gone by the end.
    CHECK(status.status == 3);
    CHECK(podman.removed == std::set<std::string>{"id0", "id1", "id2"});
}

TEST_CASE("b2c.pipefail skips the runs after the first failure, never the posts")
{
    fake::Podman podman;
    podman.exit_codes = {{"b", 1}};
    Config config;
    config.pipeline.pipefail = true;
    config.pipeline.runs = {container("a"), container("b"), container("c"), container("d")};
    config.pipeline.posts = {container("p")};
    auto status = run_pipeline(config, podman.runtime());
    CHECK(podman.attached_images() == std::vector<std::string>{"a", "b", "p"});
    CHECK(status.status == 1);
    CHECK(status.failed_by == "args of b");
    CHECK(status.prev_container == "args of p");
}

TEST_CASE("exit codes 129 and 130 set the shutdown mode and count as failures")
{
    fake::Podman podman;
    podman.exit_codes = {{"r", 129}, {"p", 130}};
    Config config;
    config.pipeline.runs = {container("r"), container("a")};
    auto status = run_pipeline(config, podman.runtime());
    CHECK(status.shutdown_mode == ShutdownMode::reboot);
    CHECK(status.status == 129);
    CHECK(env_has(podman.create_of("a"), "B2C_PIPELINE_SHUTDOWN_MODE=reboot"));

    fake::Podman podman2;
    podman2.exit_codes = {{"p", 130}};
    Config config2;
    config2.pipeline.posts = {container("p")};
    auto status2 = run_pipeline(config2, podman2.runtime());
    CHECK(status2.shutdown_mode == ShutdownMode::poweroff);
    CHECK(status2.status == 0);  // a post never fails the pipeline
}

TEST_CASE("create is retried, the image store pruned before the last attempt, then 125")
{
    fake::Podman podman;
    podman.missing_images = {"nope"};
    Config config;
    config.pipeline.runs = {container("nope"), container("a")};
    auto status = run_pipeline(config, podman.runtime());

    using std::chrono::seconds;
    CHECK(podman.sleeps == std::vector<seconds>{seconds{2}, seconds{4}, seconds{8}, seconds{16}});
    auto lines = podman.lines();
    auto creates_nope = [](const std::string& l) {
        return l.rfind("podman create", 0) == 0 && l.substr(l.rfind(' ') + 1) == "nope";
    };
    CHECK(std::count_if(lines.begin(), lines.end(), creates_nope) == create_attempts);
    // The one prune comes right before the last create.
    const std::string prune_all = "podman image prune --all --force";
    CHECK(std::count(lines.begin(), lines.end(), prune_all) == 1);
    auto prune = std::find(lines.begin(), lines.end(), prune_all);
    REQUIRE(prune != lines.end());
    REQUIRE(prune + 1 != lines.end());
    CHECK(creates_nope(*(prune + 1)));
    CHECK(std::count_if(prune + 1, lines.end(), creates_nope) == 1);

    CHECK(status.status == exit_cannot_run);
    CHECK(status.failed_by == "args of nope");
    CHECK(podman.attached_images() == std::vector<std::string>{"a"});
    CHECK(env_has(podman.create_of("a"), "B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE=125"));
}

TEST_CASE("an image run by ID that cannot be created is retried, its store never pruned")
{
    const std::string id = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    fake::Podman podman;
    podman.missing_images = {id};
    Config config;
    config.pipeline.runs = {container(id)};
    auto status = run_pipeline(config, podman.runtime());
    auto lines = podman.lines();
    CHECK(std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
              return l.rfind("podman create --privileged --network=host --pull=never", 0) == 0;
          }) == create_attempts);
    CHECK(std::count(lines.begin(), lines.end(), "podman image prune --all --force") == 0);
    CHECK(status.status == exit_cannot_run);
}

TEST_CASE("an image store without space is freed at once for the one last attempt")
{
    fake::Podman podman;
    podman.full_store_images = {"huge"};
    Config config;
    config.pipeline.runs = {container("huge")};
    auto status = run_pipeline(config, podman.runtime());

    CHECK(podman.sleeps.empty());  // waiting does not make room
    auto lines = podman.lines();
    auto creates = std::count_if(lines.begin(), lines.end(),
                                 [](const std::string& l) { return l.rfind("podman create", 0) == 0; });
    CHECK(creates == 2);
    CHECK(std::count(lines.begin(), lines.end(), "podman image prune --all --force") == 1);
    CHECK(status.status == exit_cannot_run);
}

TEST_CASE("the hint for a full image store names the cache disk when there is one, RAM when there is none")
{
    fake::Podman podman;
    podman.full_store_images = {"huge"};
    Config config;
    config.pipeline.runs = {container("huge")};

    fake::LogCapture in_ram;
    run_pipeline(config, podman.runtime());
    CHECK(in_ram.text().find("images live in RAM") != std::string::npos);
    CHECK(in_ram.text().find("b2c.cache_device=auto") != std::string::npos);

    auto runtime = podman.runtime();
    runtime.cache_source = "/dev/vda1";
    fake::LogCapture on_disk;
    run_pipeline(config, runtime);
    // Not "give the machine a cache": it has one, and it is full.
    CHECK(on_disk.text().find("images live in RAM") == std::string::npos);
    CHECK(on_disk.text().find("the cache disk is full (/dev/vda1)") != std::string::npos);
    CHECK(on_disk.text().find("a bigger disk") != std::string::npos);
}

TEST_CASE("a passing create failure is retried and the container runs")
{
    fake::Podman podman;
    podman.create_failures = {{"a", 1}};
    Config config;
    config.pipeline.runs = {container("a")};
    auto status = run_pipeline(config, podman.runtime());
    CHECK(status.status == 0);
    CHECK(podman.sleeps == std::vector<std::chrono::seconds>{std::chrono::seconds{2}});
    CHECK(podman.attached_images() == std::vector<std::string>{"a"});
}

TEST_CASE("a program that cannot be started counts as a container that cannot run")
{
    fake::Podman podman;
    auto runtime = podman.runtime();
    runtime.execute = [](const b2c::Command&) -> b2c::CommandResult {
        throw std::runtime_error("cannot run 'podman': program not found in PATH");
    };
    Config config;
    config.pipeline.runs = {container("a")};
    auto status = run_pipeline(config, runtime);
    CHECK(status.status == exit_cannot_run);
}

TEST_CASE("logins: password through stdin and listed as a secret; a failure goes on")
{
    fake::Podman podman;
    podman.failing_logins = {"bad.io"};
    Config config;
    config.pipeline.logins = {{"bad.io", "u", "pw1", true}, {"good.io", "v", "pw2", false}};
    config.pipeline.runs = {container("a")};
    auto runtime = podman.runtime();
    runtime.secrets = config.secrets();
    auto status = run_pipeline(config, runtime);
    CHECK(status.status == 0);
    REQUIRE(podman.calls.size() >= 2);
    CHECK(podman.lines()[0] == "podman login -u u --password-stdin bad.io");
    CHECK(podman.lines()[1] == "podman login --tls-verify=false -u v --password-stdin good.io");
    CHECK(podman.calls[0].stdin_data == "pw1");
    CHECK(contains(podman.calls[0].secrets, "pw1"));
    CHECK(contains(podman.calls[1].secrets, "pw2"));
    CHECK(podman.attached_images() == std::vector<std::string>{"a"});
    for (const auto& line : podman.lines())
        CHECK(line.find("pw") == std::string::npos);
}

TEST_CASE("a service that cannot be created or started is named without its secrets")
{
    fake::Podman podman;
    podman.missing_images = {"svc"};
    Config config;
    config.pipeline.services = {{{"-e", "TOKEN=hunter2", "svc"}, "-e TOKEN=hunter2 svc"}};
    auto runtime = podman.runtime();
    runtime.secrets = {"hunter2"};
    fake::LogCapture log;
    run_pipeline(config, runtime);
    CHECK(log.text().find("service '-e TOKEN=***") != std::string::npos);
    CHECK(log.text().find("hunter2") == std::string::npos);
}

TEST_CASE("services start detached before the runs and stop at the end")
{
    fake::Podman podman;
    Config config;
    config.pipeline.services = {container("svc")};
    config.pipeline.runs = {container("a")};
    run_pipeline(config, podman.runtime());
    auto lines = podman.lines();
    auto pos = [&](const std::string& line) { return std::find(lines.begin(), lines.end(), line) - lines.begin(); };
    auto start = pos("podman start id0");
    auto run = pos("podman start --attach id1");
    auto stop = pos("podman stop --time 10 id0");
    auto rm = pos("podman rm --force --ignore id0");
    auto cleanup = pos("podman container rm --all --force");
    CHECK(start < run);
    CHECK(run < stop);
    CHECK(stop < rm);
    CHECK(rm < cleanup);
    CHECK(cleanup < static_cast<long>(lines.size()));
}

TEST_CASE("volumes are created when missing and their file systems mounted")
{
    fake::Podman podman;
    podman.existing_volumes = {"old"};
    Config config;
    config.storage.filesystems = {{"fs-www", "www", "9p", {}}};
    config.storage.volumes.resize(2);
    config.storage.volumes[0].name = "old";
    config.storage.volumes[1].name = "vol-www";
    config.storage.volumes[1].filesystem = "fs-www";
    config.pipeline.runs = {container("a")};
    auto status = run_pipeline(config, podman.runtime());
    CHECK(status.status == 0);
    auto lines = podman.lines();
    CHECK(contains(lines, "podman volume exists old"));
    CHECK_FALSE(contains(lines, "podman volume create old"));
    CHECK(contains(lines, "podman volume create vol-www"));
    REQUIRE(podman.mounts.size() == 1);
    CHECK(podman.mounts[0].source == "www");
    CHECK(podman.mounts[0].target == "/var/lib/containers/storage/volumes/vol-www/_data");
    CHECK(podman.mounts[0].fstype == "9p");
    CHECK(podman.mounts[0].options == "trans=virtio,version=9p2000.L");
}

TEST_CASE("a volume setup failure skips services and runs, but posts and clean-up run")
{
    for (bool missing_filesystem : {true, false}) {
        fake::Podman podman;
        podman.failing_mounts = {"/dev/sdb1"};
        Config config;
        if (!missing_filesystem)
            config.storage.filesystems = {{"fs-disk", "/dev/sdb1", "ext4", {}}};
        config.storage.volumes.resize(1);
        config.storage.volumes[0].name = "vol-disk";
        config.storage.volumes[0].filesystem = "fs-disk";
        config.pipeline.services = {container("svc")};
        config.pipeline.runs = {container("a"), container("b")};
        config.pipeline.posts = {container("p")};
        auto status = run_pipeline(config, podman.runtime());
        CHECK(status.status == 1);
        CHECK(status.failed_by.rfind("volume setup: vol-disk: ", 0) == 0);
        CHECK(podman.attached_images() == std::vector<std::string>{"p"});
        CHECK(podman.create_of("svc").empty());
        CHECK(env_has(podman.create_of("p"), "B2C_PIPELINE_STATUS=1"));
        CHECK(contains(podman.lines(), "podman container rm --all --force"));
    }
}

TEST_CASE("the pipeline redacts the configuration's passwords and keys")
{
    Config config;
    config.pipeline.logins = {{"r", "u", "pw", true}};
    config.storage.volumes.resize(1);
    config.storage.volumes[0].fscrypt_key = "KEY";
    config.storage.s3_aliases = {{"s3", "https://x", "AK", "SK"}};
    auto secrets = config.secrets();
    std::sort(secrets.begin(), secrets.end());
    CHECK(secrets == std::vector<std::string>{"AK", "KEY", "SK", "pw"});
}

TEST_CASE("a pull that receives nothing is stopped: every create has a stall limit and a progress probe")
{
    fake::Podman podman;
    Config config;
    config.pipeline.runs = {container("a")};
    config.pipeline.pull_stall_timeout = std::chrono::seconds(42);
    run_pipeline(config, podman.runtime());
    bool seen = false;
    for (const auto& cmd : podman.calls) {
        if (cmd.argv.size() > 1 && cmd.argv[1] == "create") {
            seen = true;
            CHECK(cmd.stall_timeout == std::chrono::seconds(42));
            CHECK(cmd.min_progress == pull_min_progress_bytes);
            CHECK(cmd.progress);
        }
    }
    CHECK(seen);
}

TEST_CASE("a start that fails on a damaged image prunes the unused images, pulls again and starts once more")
{
    fake::Podman podman;
    podman.damaged_images = {"broken"};
    Config config;
    config.pipeline.runs = {container("broken")};
    auto status = run_pipeline(config, podman.runtime());
    CHECK(status.status == 0);
    auto lines = podman.lines();
    auto prune = std::find(lines.begin(), lines.end(), "podman image prune --all --force");
    REQUIRE(prune != lines.end());
    CHECK(std::count_if(prune, lines.end(), [](const std::string& l) { return l.rfind("podman create", 0) == 0; }) ==
          1);
    CHECK(podman.attached_images() == std::vector<std::string>{"broken", "broken"});
    // Starts keep podman's own error so that it can be read.
    for (const auto& cmd : podman.calls)
        if (cmd.argv.size() > 2 && cmd.argv[1] == "start" && cmd.argv[2] == "--attach")
            CHECK(cmd.keep_stderr);
}

TEST_CASE("a container's own failure is not taken for a damaged image")
{
    b2c::CommandResult own;
    own.exit_code = 127;
    own.output = "sh: foo: not found\n";
    CHECK_FALSE(image_looks_damaged(own));
    own.output = "Error: crun: executable file `sh` not found in $PATH: No such file or directory\n";
    CHECK(image_looks_damaged(own));
    own.exit_code = 1;
    CHECK_FALSE(image_looks_damaged(own));
}

TEST_CASE("a pull a power cut interrupted: every image goes before anything uses the store, volumes stay")
{
    auto store = std::filesystem::temp_directory_path() / "b2c-unit-store";
    std::filesystem::remove_all(store);
    std::filesystem::create_directories(store);
    std::ofstream(store / ".b2c-pull-in-progress");
    fake::Podman podman;
    auto runtime = podman.runtime();
    runtime.store_dir = store.string();
    Config config;
    config.pipeline.runs = {container("a")};
    run_pipeline(config, runtime);
    auto lines = podman.lines();
    REQUIRE(lines.size() >= 2);
    CHECK(lines[0] == "podman container rm --all --force");
    CHECK(lines[1] == "podman image rm --all --force");
    CHECK(std::none_of(lines.begin(), lines.end(),
                       [](const std::string& l) { return l.find("volume rm") != std::string::npos; }));
    // The pull of this boot went through the journal, and ended.
    CHECK_FALSE(std::filesystem::exists(store / ".b2c-pull-in-progress"));
    std::filesystem::remove_all(store);
}

TEST_CASE("the status line comes after the posts and end hooks, before the clean-up, under the watchdog")
{
    fake::Podman podman;
    podman.exit_codes = {{"a", 3}};
    auto runtime = podman.runtime();
    std::vector<std::string> events;
    runtime.watch = [&](std::string_view step, std::chrono::seconds limit) {
        events.push_back(fmt::format("watch '{}' {}", step, limit.count()));
    };
    runtime.report = [&](const Status& status, bool over) {
        events.push_back(fmt::format("report {} {}", status.status, over ? "over" : "running"));
    };
    auto execute = runtime.execute;
    runtime.execute = [&](const b2c::Command& cmd) {
        events.push_back(cmd.argv.at(1) + (cmd.argv.size() > 2 ? " " + cmd.argv[2] : ""));
        return execute(cmd);
    };
    Config config;
    config.pipeline.runs = {container("a")};
    config.pipeline.posts = {container("p")};
    run_pipeline(config, runtime);
    auto at = [&](const std::string& event) { return std::find(events.begin(), events.end(), event) - events.begin(); };
    auto over = at("report 3 over");
    REQUIRE(over < static_cast<long>(events.size()));
    CHECK(at("watch '' 0") < at("create --privileged"));  // containers run without a limit
    CHECK(over < at("watch 'clean-up' 600"));
    CHECK(at("watch 'clean-up' 600") < at("container rm"));  // the clean-up has one
    CHECK(events.back() == "watch '' 0");
    // Both containers ran before the line: the post's start comes first.
    long last_start = 0;
    for (std::size_t i = 0; i < events.size(); ++i)
        if (events[i] == "start --attach")
            last_start = static_cast<long>(i);
    CHECK(last_start < over);
}
