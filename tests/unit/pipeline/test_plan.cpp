#include <catch2/catch.hpp>

#include "pipeline/pipeline.h"

using b2c::cmdline::Config;
using b2c::pipeline::plan_pipeline;

namespace {

std::vector<std::string> joined(const std::vector<std::vector<std::string>>& plan)
{
    std::vector<std::string> lines;
    for (const auto& argv : plan) {
        std::string line;
        for (const auto& word : argv)
            line += (line.empty() ? "" : " ") + word;
        lines.push_back(line);
    }
    return lines;
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

}  // namespace

TEST_CASE("plan_pipeline lists every command line in order")
{
    auto lines = joined(plan_pipeline(example()));
    const std::string env0 =
        "-e B2C_PIPELINE_STATUS=0 -e B2C_PIPELINE_FAILED_BY= -e B2C_PIPELINE_PREV_CONTAINER= "
        "-e B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE=0 -e B2C_PIPELINE_SHUTDOWN_MODE=default";
    const std::string create = "podman create --privileged --network=host --pull=always ";
    std::vector<std::string> expected{
        "podman login -u me --password-stdin docker.io",
        "podman volume create data",
        "podman volume create vol-nfs",
        "mount -t nfs -o ro 10.0.0.1:/ <mount point of volume vol-nfs>",
        create + env0 + " -t svc",
        "podman start <service 1 id>",
        create + env0 + " -ti a",
        "podman start --attach <run 1 id>",
        "podman rm --force <run 1 id>",
        create +
            "-e B2C_PIPELINE_STATUS=0 -e B2C_PIPELINE_FAILED_BY= -e B2C_PIPELINE_PREV_CONTAINER=-ti a "
            "-e B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE=0 -e B2C_PIPELINE_SHUTDOWN_MODE=default b false",
        "podman start --attach <run 2 id>",
        "podman rm --force <run 2 id>",
        create +
            "-e B2C_PIPELINE_STATUS=0 -e B2C_PIPELINE_FAILED_BY= -e B2C_PIPELINE_PREV_CONTAINER=b false "
            "-e B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE=0 -e B2C_PIPELINE_SHUTDOWN_MODE=default p",
        "podman start --attach <post 1 id>",
        "podman rm --force <post 1 id>",
        "podman stop --time 10 <service 1 id>",
        "podman rm --force <service 1 id>",
        "podman container rm --all --force",
        "podman image prune --force",
        "umount <mount point of volume vol-nfs>",
    };
    CHECK(lines == expected);
}

TEST_CASE("plan_pipeline never shows a secret")
{
    auto config = example();
    // A user who also passes the password to a container.
    config.pipeline.runs[0].args = {"-e", "PASS=hunter2", "a"};
    for (const auto& argv : plan_pipeline(config))
        for (const auto& word : argv)
            CHECK(word.find("hunter2") == std::string::npos);
}

TEST_CASE("an empty configuration only plans the clean-up")
{
    auto lines = joined(plan_pipeline(Config{}));
    CHECK(lines == std::vector<std::string>{"podman container rm --all --force",
                                            "podman image prune --force"});
}

TEST_CASE("plan_pipeline shows expiring and encrypted volumes, in the order they are set up and released")
{
    Config config;
    config.storage.cache.kind = b2c::cmdline::CacheDevice::Kind::automatic;
    config.storage.filesystems = {{"fs-enc", "/dev/sdb1", "ext4", {}}};
    config.storage.volumes.resize(3);
    config.storage.volumes[0].name = "tmp";
    config.storage.volumes[0].expiration = b2c::cmdline::VolumeConfig::Expiration::pipeline_end;
    config.storage.volumes[0].fscrypt_key = "S0VZ";
    config.storage.volumes[1].name = "vol-enc";
    config.storage.volumes[1].filesystem = "fs-enc";
    config.storage.volumes[1].fscrypt_key = "S0VZ";
    config.storage.volumes[1].fscrypt_reset_key = true;
    config.storage.volumes[2].name = "tmp2";
    config.storage.volumes[2].expiration = b2c::cmdline::VolumeConfig::Expiration::pipeline_end;
    auto lines = joined(plan_pipeline(config));
    const std::string mp = "<mount point of volume vol-enc>";
    std::vector<std::string> expected{
        "podman volume ls --filter label=b2c.expiration=pipeline_end --format {{.Name}}",
        "podman volume create --label b2c.expiration=pipeline_end tmp",
        "fscrypt encrypt <mount point of volume tmp>",
        "podman volume create vol-enc",
        "mount -t ext4 /dev/sdb1 " + mp,
        "fscrypt encrypt " + mp + "/b2c-fscrypt --reset",
        "mount --bind " + mp + "/b2c-fscrypt " + mp,
        "podman volume create --label b2c.expiration=pipeline_end tmp2",
        "podman container rm --all --force",
        "podman image prune --force",
        "umount " + mp,
        "fscrypt lock " + mp + "/b2c-fscrypt",
        "umount " + mp,
        "fscrypt lock <mount point of volume tmp>",
        "podman volume rm --force tmp tmp2",
    };
    CHECK(lines == expected);
    for (const auto& line : lines)
        CHECK(line.find("S0VZ") == std::string::npos);
}
