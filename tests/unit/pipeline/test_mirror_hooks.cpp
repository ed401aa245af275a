// The S3 mirror hooks of the pipeline against a fake podman and a fake
// mirror: when volumes are pulled and pushed, and what failures do.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <catch2/catch.hpp>

#include "tests/unit/temp_dir.h"
#include <fmt/format.h>

#include "fake_podman.h"
#include "pipeline/change_watcher.h"
#include "pipeline/mirror_hooks.h"
#include "specs.h"

using namespace b2c::pipeline;
using b2c::cmdline::Config;
using b2c::cmdline::ContainerSpec;
using b2c::cmdline::S3Alias;
using b2c::cmdline::S3Location;
using b2c::cmdline::VolumeConfig;
namespace when = b2c::cmdline;

using b2c::pipeline::test::container;

namespace {

const std::string dir_of_v = "/var/lib/containers/storage/volumes/v/_data";

// b2c.minio=srv,http://10.0.2.2:9000,AK-SECRET,SK-SECRET and a volume v with
// mirror=srv/bucket/prefix.
Config mirrored(unsigned pull_on, unsigned push_on)
{
    Config config;
    config.storage.s3_aliases.push_back(S3Alias{"srv", "http://10.0.2.2:9000", "AK-SECRET", "SK-SECRET"});
    VolumeConfig v;
    v.name = "v";
    v.pull_from = v.push_to = S3Location{"srv", "bucket", "prefix"};
    v.pull_on = pull_on;
    v.push_on = push_on;
    config.storage.volumes.push_back(v);
    config.pipeline.runs = {container("a"), container("b")};
    config.pipeline.posts = {container("p")};
    return config;
}

// The mirror calls and the containers started, in order.
std::vector<std::string> events(const fake::Podman& podman)
{
    std::vector<std::string> out;
    for (const auto& cmd : podman.calls) {
        if (cmd.argv[0] == "mirror")
            out.push_back(cmd.argv[1]);
        else if (cmd.argv.size() >= 3 && cmd.argv[1] == "start" && cmd.argv[2] == "--attach")
            out.push_back("run " + podman.created.at(cmd.argv.back()).back());
    }
    return out;
}

}  // namespace

TEST_CASE("pulls and pushes happen at their conditions, framed around each run container")
{
    fake::Podman podman;
    auto config = mirrored(when::sync_pipeline_start | when::sync_container_start,
                           when::sync_container_end | when::sync_pipeline_end);
    auto status = run_pipeline(config, podman.runtime());
    CHECK(status.status == 0);
    CHECK(events(podman) ==
          std::vector<std::string>{"pull", "pull", "run a", "push", "pull", "run b", "push", "run p", "push"});
    for (const auto& cmd : podman.calls)
        if (cmd.argv[0] == "mirror")
            CHECK(cmd.argv[2] == dir_of_v);  // the volume's own directory, asked to podman
}

TEST_CASE("the alias gives the endpoint and the keys; the flags become the mirror's options")
{
    Config config = mirrored(when::sync_pipeline_start, 0);
    auto& v = config.storage.volumes[0];
    v.overwrite = v.remove = v.preserve = true;
    v.exclude = {"*.tmp", "cache/*"};
    v.encrypt_key = "SSE-C-KEY";
    fake::Podman podman;
    auto runtime = podman.runtime();
    auto plans = plan_mirrors(runtime, config.storage);
    REQUIRE(plans.size() == 1);
    CHECK(plans[0].directory == dir_of_v);
    CHECK(plans[0].pull_name == "srv/bucket/prefix");
    REQUIRE(plans[0].pull_from);
    CHECK(plans[0].pull_from->endpoint.url == "http://10.0.2.2:9000");
    CHECK(plans[0].pull_from->endpoint.access_key == "AK-SECRET");
    CHECK(plans[0].pull_from->endpoint.secret_key == "SK-SECRET");
    CHECK(plans[0].pull_from->bucket == "bucket");
    CHECK(plans[0].pull_from->prefix == "prefix");
    CHECK(plans[0].push_to);  // mirror= is both ways; push_on= decides whether it is used
    CHECK(plans[0].options.overwrite);
    CHECK(plans[0].options.remove);
    CHECK(plans[0].options.preserve);
    CHECK(plans[0].options.exclude == std::vector<std::string>{"*.tmp", "cache/*"});
    CHECK(plans[0].options.sse_c_key == "SSE-C-KEY");
    // What the mirror left identical is kept beside _data, out of the containers' sight.
    CHECK(plans[0].options.record_dir == std::filesystem::path("/var/lib/containers/storage/volumes/v"));
}

TEST_CASE("a volume whose mount point is not podman's own _data gets no mirror record")
{
    Config config = mirrored(when::sync_pipeline_start, 0);
    fake::Podman podman;
    auto runtime = podman.runtime();
    runtime.execute = [execute = runtime.execute](const b2c::Command& cmd) {
        auto result = execute(cmd);
        if (cmd.argv.size() > 2 && cmd.argv[1] == "volume" && cmd.argv[2] == "inspect")
            result.output = "/srv/shared\n";
        return result;
    };
    auto plans = plan_mirrors(runtime, config.storage);
    REQUIRE(plans.size() == 1);
    CHECK(plans[0].directory == "/srv/shared");
    CHECK_FALSE(plans[0].options.record_dir);
}

TEST_CASE("volumes without a pull_on or push_on are not mirrored")
{
    Config config = mirrored(0, 0);
    fake::Podman podman;
    auto runtime = podman.runtime();
    CHECK(plan_mirrors(runtime, config.storage).empty());
    run_pipeline(config, podman.runtime());
    CHECK(events(podman) == std::vector<std::string>{"run a", "run b", "run p"});
}

TEST_CASE("a failed push fails the pipeline, names the files and the volume, and the rest still runs")
{
    fake::Podman podman;
    podman.failing_pushes = {dir_of_v};
    auto config = mirrored(0, when::sync_container_end);
    auto status = run_pipeline(config, podman.runtime());
    CHECK(events(podman) == std::vector<std::string>{"run a", "push", "run b", "push", "run p"});
    CHECK(status.status == 1);
    CHECK_THAT(status.failed_by, Catch::Contains("push of volume v to srv/bucket/prefix"));
    CHECK_THAT(status.failed_by, Catch::Contains("2 file(s) did not reach the bucket"));
    CHECK_THAT(status.failed_by, Catch::Contains("results/log.txt"));
    CHECK_THAT(status.failed_by, Catch::Contains("still on the volume"));
    CHECK(status.failed_by.find("SK-SECRET") == std::string::npos);
    CHECK(status.failed_by.find("AK-SECRET") == std::string::npos);
}

TEST_CASE("a push that cannot start (bucket refused) is a failure too")
{
    fake::Podman podman;
    auto runtime = podman.runtime();
    runtime.mirror = [](MirrorDirection, const std::string&, const b2c::s3::Location&,
                        const b2c::s3::MirrorOptions&) -> b2c::s3::MirrorReport {
        throw std::runtime_error("listing srv/bucket: HTTP 403 AccessDenied");
    };
    auto status = run_pipeline(mirrored(0, when::sync_pipeline_end), runtime);
    CHECK(status.status == 1);
    CHECK_THAT(status.failed_by, Catch::Contains("HTTP 403 AccessDenied"));
}

TEST_CASE("a failed pull at the start skips the runs, and the volume is never pushed: no bucket emptied")
{
    fake::Podman podman;
    podman.failing_pulls = {dir_of_v};
    auto config = mirrored(when::sync_pipeline_start, when::sync_container_end | when::sync_pipeline_end);
    config.storage.volumes[0].remove = true;
    auto status = run_pipeline(config, podman.runtime());
    CHECK(events(podman) == std::vector<std::string>{"pull", "run p"});
    CHECK(status.status == 1);
    CHECK_THAT(status.failed_by, Catch::Contains("pull of volume v from srv/bucket/prefix"));
}

TEST_CASE("a failed volume setup mirrors nothing")
{
    fake::Podman podman;
    podman.failing_mounts = {"/dev/sdz1"};
    auto config = mirrored(when::sync_pipeline_start, when::sync_pipeline_end);
    config.storage.filesystems.push_back({"fs", "/dev/sdz1", "ext4", {}});
    config.storage.volumes[0].filesystem = "fs";
    auto status = run_pipeline(config, podman.runtime());
    CHECK(events(podman) == std::vector<std::string>{"run p"});
    CHECK_THAT(status.failed_by, Catch::Contains("volume setup"));
}

TEST_CASE("push_on=changes alone still pushes once at the pipeline's end")
{
    fake::Podman podman;
    auto config = mirrored(0, when::sync_changes);
    auto runtime = podman.runtime();
    // The fake volume directory does not exist: the watcher cannot start,
    // says so, and the final push still happens.
    auto status = run_pipeline(config, runtime);
    CHECK(status.status == 0);
    CHECK(events(podman) == std::vector<std::string>{"run a", "run b", "run p", "push"});
}

namespace {

using b2c::testing::TempDir;

// Counts the watcher's call backs; wait_for() waits until there are `n`.
struct Settled {
    std::mutex lock;
    std::condition_variable changed;
    int count = 0;
    void operator()()
    {
        std::lock_guard guard(lock);
        ++count;
        changed.notify_all();
    }
    bool wait_for(int n, std::chrono::milliseconds timeout)
    {
        std::unique_lock guard(lock);
        return changed.wait_for(guard, timeout, [&] { return count >= n; });
    }
    // The watcher's thread writes `count`: read it under the lock.
    int current()
    {
        std::lock_guard guard(lock);
        return count;
    }
};

void write(const std::filesystem::path& file, const std::string& text)
{
    std::ofstream(file) << text;
}

}  // namespace

TEST_CASE("the change watcher calls back once a burst of changes settles, also in new directories")
{
    TempDir dir;
    Settled settled;
    SettleTiming timing{std::chrono::milliseconds(150), std::chrono::milliseconds(2000)};
    ChangeWatcher watcher(
        dir.path, [&] { settled(); }, timing);

    for (int i = 0; i < 20; ++i)
        write(dir.path / fmt::format("f{}", i), "x");
    REQUIRE(settled.wait_for(1, std::chrono::seconds(5)));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    CHECK(settled.current() == 1);  // one burst, one call back

    std::filesystem::create_directories(dir.path / "a/b");
    REQUIRE(settled.wait_for(2, std::chrono::seconds(5)));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    write(dir.path / "a/b/deep", "y");  // in a directory made after the watch began
    REQUIRE(settled.wait_for(3, std::chrono::seconds(5)));

    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    const int before = settled.current();
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    CHECK(settled.current() == before);  // nothing changed: no call back
}

TEST_CASE("a container that writes all the time is still pushed, every `longest`")
{
    TempDir dir;
    Settled settled;
    SettleTiming timing{std::chrono::milliseconds(300), std::chrono::milliseconds(600)};
    ChangeWatcher watcher(
        dir.path, [&] { settled(); }, timing);
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500)) {
        write(dir.path / "busy", "z");  // never quiet for 300 ms
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(settled.current() >= 1);
}

TEST_CASE("stopping the watcher is prompt, and a missing directory is an error naming it")
{
    TempDir dir;
    Settled settled;
    auto watcher = std::make_unique<ChangeWatcher>(dir.path, [&] { settled(); });
    const auto start = std::chrono::steady_clock::now();
    watcher->stop();
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500));
    CHECK_THROWS_WITH(ChangeWatcher(dir.path / "nope", [] {}), Catch::Contains("nope"));
}

TEST_CASE("whatever a push after changes throws stays in the watcher's thread")
{
    // An exception escaping a thread calls std::terminate: the boot
    // sequence would die with it.
    TempDir dir;
    Settled settled;
    SettleTiming timing{std::chrono::milliseconds(100), std::chrono::milliseconds(500)};
    ChangeWatcher watcher(
        dir.path,
        [&] {
            settled();
            throw 42;  // not even a std::exception
        },
        timing);
    write(dir.path / "a", "x");
    REQUIRE(settled.wait_for(1, std::chrono::seconds(5)));
    write(dir.path / "b", "y");
    CHECK(settled.wait_for(2, std::chrono::seconds(5)));  // still watching
}
