// The dry run's plan: the real pipeline through the recording runtime, so
// it lists what a boot runs, in the order it runs it.
#include <catch2/catch.hpp>

#include "pipeline/recording_runtime.h"
#include "pipeline/runtime.h"

using b2c::cmdline::Config;

namespace {

std::vector<std::string> plan_of(const Config& config)
{
    std::vector<std::string> steps;
    b2c::pipeline::run_pipeline(config, b2c::pipeline::recording_runtime(steps, config.secrets()));
    return steps;
}

Config example()
{
    Config config;
    config.pipeline.logins = {{"docker.io", "me", "hunter2", true}};
    config.pipeline.services = {{{"-t", "svc"}, "-t svc"}};
    config.pipeline.runs = {{{"-ti", "a"}, "-ti a"}, {{"b", "false"}, "b false"}};
    config.pipeline.posts = {{{"p"}, "p"}};
    config.pipeline.pipefail = true;
    config.storage.filesystems = {{"fs-nfs", "10.0.0.1:/", "nfs", {"ro"}}};
    config.storage.volumes.resize(2);
    config.storage.volumes[0].name = "data";
    config.storage.volumes[1].name = "vol-nfs";
    config.storage.volumes[1].filesystem = "fs-nfs";
    return config;
}

std::string env(const std::string& previous)
{
    return "-e B2C_PIPELINE_STATUS=0 -e B2C_PIPELINE_FAILED_BY= -e " + previous +
           " -e B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE=0 -e B2C_PIPELINE_SHUTDOWN_MODE=default";
}

}  // namespace

TEST_CASE("the plan lists every step in order")
{
    const std::string create = "podman create --privileged --network=host --pull=always --http-proxy=false ";
    const std::string create_rm = create + "--rm ";
    const std::string mp = "'<mount point of volume vol-nfs>'";
    auto run = [](int n, const char* attach) {
        auto id = "'<container " + std::to_string(n) + " id>'";
        return std::vector<std::string>{std::string("podman start --attach ") + attach + id};
    };
    std::vector<std::string> expected{
        "podman login -u me --password-stdin docker.io",
        "podman volume exists data",
        "podman volume create data",
        "podman volume exists vol-nfs",
        "podman volume create vol-nfs",
        "podman volume inspect --format '{{.Mountpoint}}' vol-nfs",
        "mount -t nfs -o ro 10.0.0.1:/ " + mp,
        create + env("B2C_PIPELINE_PREV_CONTAINER=") + " -t svc",
        "podman start '<container 1 id>'",
        create_rm + env("B2C_PIPELINE_PREV_CONTAINER=") + " -ti a",
    };
    for (auto& line : run(2, "--interactive "))
        expected.push_back(line);
    expected.push_back(create_rm + env("'B2C_PIPELINE_PREV_CONTAINER=-ti a'") + " b false");
    for (auto& line : run(3, ""))
        expected.push_back(line);
    expected.push_back(create_rm + env("'B2C_PIPELINE_PREV_CONTAINER=b false'") + " p");
    for (auto& line : run(4, ""))
        expected.push_back(line);
    for (auto line : {"podman stop --time 10 '<container 1 id>'", "podman rm --force --ignore '<container 1 id>'",
                      "podman container rm --all --force", "podman image prune --force"})
        expected.emplace_back(line);
    expected.push_back("umount " + mp);
    CHECK(plan_of(example()) == expected);
}

TEST_CASE("the plan never shows a secret")
{
    auto config = example();
    // A user who also passes the password to a container.
    config.pipeline.runs[0].args = {"-e", "PASS=hunter2", "a"};
    for (const auto& line : plan_of(config))
        CHECK(line.find("hunter2") == std::string::npos);
}

TEST_CASE("an empty configuration only plans the clean-up")
{
    CHECK(plan_of(Config{}) ==
          std::vector<std::string>{"podman container rm --all --force", "podman image prune --force"});
}

TEST_CASE("the plan shows expiring and encrypted volumes, in the order they are set up and released")
{
    Config config;
    config.storage.cache.kind = b2c::cmdline::CacheDevice::Kind::automatic;
    config.storage.filesystems = {{"fs-enc", "/dev/sdb1", "ext4", {}}};
    config.storage.volumes.resize(3);
    const std::string key(88, 'S');  // a valid base 64 key
    config.storage.volumes[0].name = "tmp";
    config.storage.volumes[0].expiration = b2c::cmdline::VolumeConfig::Expiration::pipeline_end;
    config.storage.volumes[0].fscrypt_key = key.substr(0, 86) + "==";
    config.storage.volumes[1].name = "vol-enc";
    config.storage.volumes[1].filesystem = "fs-enc";
    config.storage.volumes[1].fscrypt_key = key.substr(0, 86) + "==";
    config.storage.volumes[1].fscrypt_reset_key = true;
    config.storage.volumes[2].name = "tmp2";
    config.storage.volumes[2].expiration = b2c::cmdline::VolumeConfig::Expiration::pipeline_end;
    const std::string tmp = "<mount point of volume tmp>", mp = "<mount point of volume vol-enc>";
    std::vector<std::string> expected{
        "podman volume ls --filter label=b2c.expiration=pipeline_end --format '{{.Name}}'",
        "podman volume exists tmp",
        "podman volume create --label b2c.expiration=pipeline_end tmp",
        "podman volume inspect --format '{{.Mountpoint}}' tmp",
        "fscrypt: encrypt " + tmp + " with the volume's key",
        "podman volume exists vol-enc",
        "podman volume create vol-enc",
        "podman volume inspect --format '{{.Mountpoint}}' vol-enc",
        "mount -t ext4 /dev/sdb1 '" + mp + "'",
        "fscrypt: encrypt " + mp + "/b2c-fscrypt with the volume's key (reset if it differs)",
        "mount -o bind '" + mp + "/b2c-fscrypt' '" + mp + "'",
        "podman volume exists tmp2",
        "podman volume create --label b2c.expiration=pipeline_end tmp2",
        "podman container rm --all --force",
        "podman image prune --force",
        "umount '" + mp + "'",
        "fscrypt: lock " + mp + "/b2c-fscrypt (its key removed)",
        "umount '" + mp + "'",
        "fscrypt: lock " + tmp + " (its key removed)",
        "podman volume rm --force tmp tmp2",
    };
    auto plan = plan_of(config);
    CHECK(plan == expected);
    for (const auto& line : plan)
        CHECK(line.find("SSSS") == std::string::npos);
}
