// b2c.volume's expiration= and fscrypt_key= against the fake podman (the
// fscrypt calls are faked too: tests/host/test_fscrypt.py runs the real ones).
#include <algorithm>
#include <catch2/catch.hpp>

#include "fake_podman.h"
#include "pipeline/podman_args.h"
#include "pipeline/runtime.h"
#include "pipeline/volumes.h"
#include "specs.h"

using namespace b2c::pipeline;
using b2c::cmdline::CacheDevice;
using b2c::cmdline::Config;
using b2c::cmdline::ContainerSpec;
using b2c::cmdline::VolumeConfig;
using fake::contains;

using b2c::pipeline::test::container;

namespace {

// Base 64 of 64 bytes 'A', and of 64 bytes 'B'.
std::string repeat(const std::string& text, int times)
{
    std::string out;
    for (int i = 0; i < times; ++i)
        out += text;
    return out;
}
const std::string key_a = repeat("QUFB", 21) + "QQ==";
const std::string key_b = repeat("QkJC", 21) + "Qg==";
const std::string raw_a(64, 'A');
const std::string raw_b(64, 'B');

const std::string volumes_dir = "/var/lib/containers/storage/volumes/";
std::string data_of(const std::string& volume)
{
    return volumes_dir + volume + "/_data";
}

VolumeConfig volume(const std::string& name)
{
    VolumeConfig v;
    v.name = name;
    return v;
}

long position(const std::vector<std::string>& lines, const std::string& line)
{
    auto it = std::find(lines.begin(), lines.end(), line);
    return it == lines.end() ? -1 : static_cast<long>(it - lines.begin());
}

const std::string list_expiring = "podman volume ls --filter label=b2c.expiration=pipeline_end --format {{.Name}}";

}  // namespace

TEST_CASE("expiration=pipeline_end: labelled at creation, deleted after the containers")
{
    fake::Podman podman;
    Config config;
    config.storage.volumes = {volume("keep"), volume("tmp")};
    config.storage.volumes[1].expiration = VolumeConfig::Expiration::pipeline_end;
    config.pipeline.runs = {container("a")};
    auto status = run_pipeline(config, podman.runtime());
    CHECK(status.status == 0);
    auto lines = podman.lines();
    CHECK(contains(lines, "podman volume create keep"));
    CHECK(contains(lines, "podman volume create --label b2c.expiration=pipeline_end tmp"));
    auto containers_removed = position(lines, "podman container rm --all --force");
    auto tmp_removed = position(lines, "podman volume rm --force tmp");
    REQUIRE(containers_removed >= 0);
    CHECK(tmp_removed > containers_removed);
    CHECK(podman.existing_volumes == std::set<std::string>{"keep"});
    // Without a cache nothing survives a boot: no leftovers to look for.
    CHECK_FALSE(contains(lines, list_expiring));
}

TEST_CASE("with a cache, the expiring volumes an earlier boot left are deleted first")
{
    fake::Podman podman;
    podman.existing_volumes = {"stale", "old-keep"};
    podman.labelled_volumes = {"stale"};
    Config config;
    config.storage.cache.kind = CacheDevice::Kind::automatic;
    config.storage.volumes = {volume("stale")};
    config.storage.volumes[0].expiration = VolumeConfig::Expiration::pipeline_end;
    config.pipeline.runs = {container("a")};
    run_pipeline(config, podman.runtime());
    auto lines = podman.lines();
    auto listed = position(lines, list_expiring);
    auto removed = position(lines, "podman volume rm --force stale");
    auto created = position(lines, "podman volume create --label b2c.expiration=pipeline_end stale");
    REQUIRE(listed >= 0);
    CHECK(listed < removed);
    CHECK(removed < created);  // a fresh volume, not the leftover
    CHECK(std::count(lines.begin(), lines.end(), "podman volume rm --force stale") == 2);  // and at the end
    CHECK(podman.existing_volumes == std::set<std::string>{"old-keep"});
}

TEST_CASE("with a cache and no volume, leftovers are still deleted")
{
    fake::Podman podman;
    podman.existing_volumes = {"x", "y", "z"};
    podman.labelled_volumes = {"x", "y"};
    Config config;
    config.storage.cache.kind = CacheDevice::Kind::device;
    config.pipeline.runs = {container("a")};
    run_pipeline(config, podman.runtime());
    CHECK(contains(podman.lines(), "podman volume rm --force x y"));
    CHECK(podman.existing_volumes == std::set<std::string>{"z"});
}

TEST_CASE("fscrypt_key: the volume's directory is encrypted with the decoded key")
{
    fake::Podman podman;
    Config config;
    config.storage.volumes = {volume("enc")};
    config.storage.volumes[0].fscrypt_key = key_a;
    config.pipeline.runs = {container("a")};
    auto status = run_pipeline(config, podman.runtime());
    CHECK(status.status == 0);
    CHECK(podman.encryptions == std::vector<std::string>{data_of("enc")});
    CHECK(podman.encrypted.at(data_of("enc")) == raw_a);
    CHECK(podman.mounts.empty());
    CHECK(podman.attached_images() == std::vector<std::string>{"a"});
}

TEST_CASE("fscrypt_key with filesystem=: a directory of the file system, bind-mounted")
{
    fake::Podman podman;
    Config config;
    config.storage.filesystems = {{"fs-enc", "/dev/sdb1", "ext4", {}}};
    config.storage.volumes = {volume("vol-enc")};
    config.storage.volumes[0].filesystem = "fs-enc";
    config.storage.volumes[0].fscrypt_key = key_a;
    config.pipeline.runs = {container("a")};
    auto status = run_pipeline(config, podman.runtime());
    CHECK(status.status == 0);
    const auto mountpoint = data_of("vol-enc");
    const auto dir = mountpoint + "/b2c-fscrypt";
    REQUIRE(podman.mounts.size() == 2);
    CHECK(podman.mounts[0].source == "/dev/sdb1");
    CHECK(podman.mounts[0].target == mountpoint);
    CHECK(podman.encryptions == std::vector<std::string>{dir});
    CHECK(podman.mounts[1].source == dir);
    CHECK(podman.mounts[1].target == mountpoint);
    CHECK(podman.mounts[1].options == "bind");
}

TEST_CASE("a wrong fscrypt key fails the volume setup, posts and clean-up still run")
{
    fake::Podman podman;
    podman.existing_volumes = {"enc"};
    podman.encrypted[data_of("enc")] = raw_b;
    Config config;
    config.storage.volumes = {volume("enc")};
    config.storage.volumes[0].fscrypt_key = key_a;
    config.storage.volumes[0].expiration = VolumeConfig::Expiration::pipeline_end;
    config.pipeline.runs = {container("a")};
    config.pipeline.posts = {container("p")};
    auto status = run_pipeline(config, podman.runtime());
    CHECK(status.status == 1);
    CHECK(status.failed_by.rfind("volume setup: enc: ", 0) == 0);
    CHECK(status.failed_by.find("another key") != std::string::npos);
    CHECK(status.failed_by.find(key_a) == std::string::npos);
    CHECK(status.failed_by.find(raw_a) == std::string::npos);
    CHECK(podman.attached_images() == std::vector<std::string>{"p"});
    auto lines = podman.lines();
    CHECK(contains(lines, "podman container rm --all --force"));
    CHECK(contains(lines, "podman volume rm --force enc"));  // it expires even so
    CHECK(podman.encrypted.at(data_of("enc")) == raw_b);     // untouched
}

TEST_CASE("fscrypt_reset_key starts a volume of another key afresh")
{
    fake::Podman podman;
    podman.existing_volumes = {"enc"};
    podman.encrypted[data_of("enc")] = raw_b;
    Config config;
    config.storage.volumes = {volume("enc")};
    config.storage.volumes[0].fscrypt_key = key_a;
    config.storage.volumes[0].fscrypt_reset_key = true;
    config.pipeline.runs = {container("a")};
    auto status = run_pipeline(config, podman.runtime());
    CHECK(status.status == 0);
    CHECK(podman.encrypted.at(data_of("enc")) == raw_a);
    CHECK(podman.attached_images() == std::vector<std::string>{"a"});
}

TEST_CASE("an encrypted volume used without its key is an error naming it")
{
    SECTION("a volume of the podman store")
    {
        fake::Podman podman;
        podman.existing_volumes = {"enc"};
        podman.encrypted[data_of("enc")] = raw_a;
        Config config;
        config.storage.volumes = {volume("enc")};
        config.pipeline.runs = {container("a")};
        config.pipeline.posts = {container("p")};
        auto status = run_pipeline(config, podman.runtime());
        CHECK(status.status == 1);
        CHECK(status.failed_by.rfind("volume setup: enc: ", 0) == 0);
        CHECK(status.failed_by.find("fscrypt_key") != std::string::npos);
        CHECK(podman.attached_images() == std::vector<std::string>{"p"});
    }
    SECTION("a file system that an earlier boot encrypted")
    {
        fake::Podman podman;
        podman.encrypted[data_of("vol") + "/b2c-fscrypt"] = raw_a;
        Config config;
        config.storage.filesystems = {{"fs", "/dev/sdb1", "ext4", {}}};
        config.storage.volumes = {volume("vol")};
        config.storage.volumes[0].filesystem = "fs";
        config.pipeline.runs = {container("a")};
        auto status = run_pipeline(config, podman.runtime());
        CHECK(status.status == 1);
        CHECK(status.failed_by.rfind("volume setup: vol: ", 0) == 0);
        CHECK(podman.attached_images().empty());
    }
}

TEST_CASE("a new volume without a key needs no look at its directory")
{
    fake::Podman podman;
    Config config;
    config.storage.volumes = {volume("plain")};
    config.pipeline.runs = {container("a")};
    run_pipeline(config, podman.runtime());
    auto lines = podman.lines();
    CHECK_FALSE(contains(lines, "podman volume inspect --format {{.Mountpoint}} plain"));
    CHECK(podman.encryptions.empty());
}

TEST_CASE("expiring volumes are listed and deleted with podman's own commands")
{
    CHECK(volume_create_argv("v", true) ==
          Argv{"podman", "volume", "create", "--label", "b2c.expiration=pipeline_end", "v"});
    CHECK(volume_create_argv("v") == Argv{"podman", "volume", "create", "v"});
    CHECK(expiring_volumes_argv() ==
          Argv{"podman", "volume", "ls", "--filter", "label=b2c.expiration=pipeline_end", "--format", "{{.Name}}"});
    CHECK(volume_remove_argv({"a", "b"}) == Argv{"podman", "volume", "rm", "--force", "a", "b"});
}
