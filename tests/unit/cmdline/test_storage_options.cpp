#include <catch2/catch.hpp>

#include "helpers.h"

using namespace b2c::cmdline;
using namespace b2c::cmdline::test;
using Kind = CacheDevice::Kind;
using Words = std::vector<std::string>;

namespace {
const std::string key32 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const std::string minio = "b2c.minio=srv-s3,https://192.168.42.254,accesskey1,secretkey1 ";
}  // namespace

TEST_CASE("b2c.cache_device")
{
    CHECK(parse_config("").storage.cache.kind == Kind::none);
    CHECK(parse_config("b2c.cache_device=none").storage.cache.kind == Kind::none);
    CHECK(parse_config("b2c.cache_device=auto").storage.cache.kind == Kind::automatic);
    CHECK(parse_config("b2c.cache_device=reset").storage.cache.kind == Kind::reset);
    auto config = parse_config("b2c.cache_device=/dev/sda");
    CHECK(config.storage.cache.kind == Kind::device);
    CHECK(config.storage.cache.name == "/dev/sda");
}

TEST_CASE("b2c.cache_device=FSNAME needs a declared file system, declared anywhere")
{
    auto config = parse_config("b2c.cache_device=fs-nfs b2c.filesystem=fs-nfs,type=nfs,src=10.0.0.1:/");
    CHECK(config.diagnostics.empty());
    CHECK(config.storage.cache.kind == Kind::filesystem);
    CHECK(config.storage.cache.name == "fs-nfs");

    config = parse_config("b2c.cache_device=fs-nope");
    CHECK(config.storage.cache.kind == Kind::none);
    CHECK(contains(only_error(config), "b2c.cache_device: 'fs-nope' is neither none, auto, reset"));
    CHECK(contains(only_error(parse_config("b2c.cache_device=/dev/")), "'/dev/' is not a cache device"));
}

TEST_CASE("b2c.swap")
{
    CHECK(parse_config("b2c.swap=8G").storage.swap_bytes == 8ull << 30);
    CHECK(parse_config("b2c.swap=512M").storage.swap_bytes == 512ull << 20);
    CHECK_FALSE(parse_config("b2c.swap=0").storage.swap_bytes);
    auto config = parse_config("b2c.swap=8X");
    CHECK_FALSE(config.storage.swap_bytes);
    CHECK(contains(only_error(config), "b2c.swap: '8X' is not a size"));
    CHECK(contains(only_error(config), "8G"));
}

TEST_CASE("b2c.swap: swappiness, and a block device instead of a file")
{
    auto config = parse_config("b2c.swap=8G,swappiness=60");  // every ci-tron job's
    CHECK(config.diagnostics.empty());
    CHECK(config.storage.swap_bytes == 8ull << 30);
    CHECK(config.storage.swap_device.empty());
    CHECK(config.storage.swappiness == 60u);
    CHECK_FALSE(parse_config("b2c.swap=8G").storage.swappiness);

    config = parse_config("b2c.swap=/dev/nbd1");  // ci-tron's diskless machines
    CHECK(config.diagnostics.empty());
    CHECK(config.storage.swap_device == "/dev/nbd1");
    CHECK_FALSE(config.storage.swap_bytes);
    CHECK_FALSE(config.storage.swappiness);

    config = parse_config("b2c.swap=/dev/vdb,swappiness=10 b2c.cache_device=none");
    CHECK(config.diagnostics.empty());
    CHECK(config.storage.swap_device == "/dev/vdb");
    CHECK(config.storage.swappiness == 10u);
    CHECK(parse_config("b2c.swap=/dev/disk/by-id/nvme-X_1").storage.swap_device == "/dev/disk/by-id/nvme-X_1");
    CHECK(parse_config("b2c.swap=1G,swappiness=0").storage.swappiness == 0u);
    CHECK(parse_config("b2c.swap=1G,swappiness=200").storage.swappiness == 200u);
    // The last b2c.swap wins, whole.
    config = parse_config("b2c.swap=/dev/vdb,swappiness=10 b2c.swap=1G");
    CHECK(config.storage.swap_device.empty());
    CHECK(config.storage.swap_bytes == 1ull << 30);
    CHECK_FALSE(config.storage.swappiness);
    // No swap, but the kernel's swappiness still set.
    config = parse_config("b2c.swap=0,swappiness=5");
    CHECK_FALSE(config.storage.swap_bytes);
    CHECK(config.storage.swappiness == 5u);
}

TEST_CASE("b2c.swap: bad values are errors naming b2c.swap, and change nothing")
{
    for (const auto& [line, message] : std::vector<std::pair<std::string, std::string>>{
             {"b2c.swap=8G,swappiness=201", "b2c.swap: swappiness=201 is not a whole number from 0 to 200"},
             {"b2c.swap=8G,swappiness=x", "b2c.swap: swappiness=x is not a whole number from 0 to 200"},
             {"b2c.swap=8G,swappiness=-1", "b2c.swap: swappiness=-1 is not"},
             {"b2c.swap=8G,swappiness=0060", "b2c.swap: swappiness=0060 is not"},
             {"b2c.swap=8G,swappiness=", "b2c.swap: swappiness= needs a value"},
             {"b2c.swap=8G,swappiness", "b2c.swap: swappiness= needs a value"},
             {"b2c.swap=8G,8G", "b2c.swap: '8G' after '8G': one size or one device only"},
             {"b2c.swap=8G,/dev/vdb", "b2c.swap: '/dev/vdb' after '8G': one size or one device only"},
             {"b2c.swap=", "b2c.swap: no size or device given"},
             {"b2c.swap=,swappiness=60", "b2c.swap: no size or device given"},
             {"b2c.swap=/dev/", "b2c.swap: '/dev/' is not a block device path"},
             {"b2c.swap=/dev/../etc/passwd", "b2c.swap: '/dev/../etc/passwd' is not a block device path"},
             {"b2c.swap=swappiness=60", "b2c.swap: 'swappiness=60' is not a size"},
             {"b2c.swap=/tmp/swapfile", "b2c.swap: '/tmp/swapfile' is not a size"},
         }) {
        INFO(line);
        auto config = parse_config("b2c.swap=/dev/vda,swappiness=7 " + line);
        CHECK(contains(only_error(config), message));
        CHECK(config.storage.swap_device == "/dev/vda");
        CHECK(config.storage.swappiness == 7u);
        CHECK_FALSE(config.storage.swap_bytes);
    }
}

TEST_CASE("b2c.swap: an unknown sub-option is a warning, the rest is kept")
{
    auto config = parse_config("b2c.swap=8G,swappiness=60,priority=5");
    CHECK_FALSE(config.has_errors());
    CHECK(contains(only_warning(config), "b2c.swap: unknown sub-option 'priority' ignored (expected swappiness=)"));
    CHECK(config.storage.swap_bytes == 8ull << 30);
    CHECK(config.storage.swappiness == 60u);
    config = parse_config("b2c.swap=/dev/vdb,discard");
    CHECK(contains(only_warning(config), "unknown sub-option 'discard'"));
    CHECK(config.storage.swap_device == "/dev/vdb");
}

TEST_CASE("describe: the forms of b2c.swap")
{
    CHECK(contains(describe(parse_config("b2c.swap=/dev/vdb,swappiness=10")),
                   "\n  swap: the device /dev/vdb, swappiness 10\n"));
    CHECK(contains(describe(parse_config("b2c.swap=64M,swappiness=133")),
                   "\n  swap: 67108864 bytes in a file on the cache, swappiness 133\n"));
    CHECK(contains(describe(parse_config("b2c.swap=64M")), "\n  swap: 67108864 bytes in a file on the cache\n"));
    CHECK(contains(describe(parse_config("b2c.swap=0,swappiness=1")), "\n  swap: none, swappiness 1\n"));
    CHECK_FALSE(contains(describe(parse_config("")), "swap"));
}

TEST_CASE("b2c.filesystem")
{
    auto config = parse_config("b2c.filesystem=fs-disk,type=ext4,src=/dev/sdb1 "
                               "b2c.filesystem=fs-nfs,type=nfs,src=192.168.42.254:/,opts=ro|vers=4.2|");
    CHECK(config.diagnostics.empty());
    REQUIRE(config.storage.filesystems.size() == 2);
    CHECK(config.storage.filesystems[0].name == "fs-disk");
    CHECK(config.storage.filesystems[0].source == "/dev/sdb1");
    CHECK(config.storage.filesystems[0].type == "ext4");
    CHECK(config.storage.filesystems[0].options.empty());
    CHECK(config.storage.filesystems[1].options == Words{"ro", "vers=4.2"});
    CHECK(parse_config("b2c.filesystem=fs-www,src=www").storage.filesystems.at(0).type.empty());
}

TEST_CASE("b2c.filesystem: errors")
{
    auto config = parse_config("b2c.filesystem=fs-disk,type=ext4");
    CHECK(config.storage.filesystems.empty());
    CHECK(contains(only_error(config), "b2c.filesystem: fs-disk has no src="));
    CHECK(contains(only_error(parse_config("b2c.filesystem=,src=x")), "is not a file system name"));
    CHECK(contains(only_error(parse_config("b2c.filesystem=a,src=x b2c.filesystem=a,src=y")), "a is declared twice"));
    config = parse_config("b2c.filesystem=a,src=x,fstype=ext4");
    CHECK(contains(only_warning(config), "'fstype'"));
    CHECK(config.storage.filesystems.size() == 1);
}

TEST_CASE("b2c.minio")
{
    auto config = parse_config(minio);
    CHECK(config.diagnostics.empty());
    REQUIRE(config.storage.s3_aliases.size() == 1);
    const auto& s3 = config.storage.s3_aliases[0];
    CHECK(s3.alias == "srv-s3");
    CHECK(s3.url == "https://192.168.42.254");
    CHECK(s3.access_key == "accesskey1");
    CHECK(s3.secret_key == "secretkey1");
}

TEST_CASE("b2c.minio: errors never show the keys")
{
    for (auto line : {"b2c.minio=srv,https://h,accesskey1", "b2c.minio=srv,https://h,accesskey1,secret,key1",
                      "b2c.minio=srv,ftp://h,accesskey1,secretkey1", "b2c.minio=s/r,https://h,accesskey1,secretkey1",
                      "b2c.minio=srv,https://h,,secretkey1"}) {
        auto config = parse_config(line);
        CHECK(config.storage.s3_aliases.empty());
        auto message = only_error(config);
        CHECK(contains(message, "b2c.minio"));
        CHECK_FALSE(contains(message, "accesskey1"));
        CHECK_FALSE(contains(message, "secret"));
    }
    CHECK(contains(only_error(parse_config("b2c.minio=srv,ftp://h,accesskey1,secretkey1")),
                   "'ftp://h' is not an http:// or https:// URL"));
}

TEST_CASE("b2c.volume: plain and the paper's examples")
{
    auto config = parse_config("b2c.volume=vdata");
    CHECK(config.diagnostics.empty());
    REQUIRE(config.storage.volumes.size() == 1);
    CHECK(config.storage.volumes[0].name == "vdata");
    CHECK(config.storage.volumes[0].expiration == VolumeConfig::Expiration::never);

    config = parse_config("b2c.filesystem=fs-disk,type=ext4,src=/dev/sdb1 b2c.volume=vol-disk,filesystem=fs-disk");
    CHECK(config.diagnostics.empty());
    CHECK(config.storage.volumes.at(0).filesystem == "fs-disk");

    config =
        parse_config(minio + "b2c.volume=vol-s3,mirror=srv-s3/bucket,pull_on=pipeline_start,push_on=container_end");
    CHECK(config.diagnostics.empty());
    const auto& volume = config.storage.volumes.at(0);
    REQUIRE(volume.pull_from);
    REQUIRE(volume.push_to);
    CHECK(volume.pull_from->alias == "srv-s3");
    CHECK(volume.pull_from->bucket == "bucket");
    CHECK(volume.pull_from->prefix.empty());
    CHECK(volume.push_to->bucket == "bucket");
    CHECK(volume.pull_on == sync_pipeline_start);
    CHECK(volume.push_on == sync_container_end);
}

TEST_CASE("b2c.volume: every sub-option")
{
    auto config =
        parse_config(minio + "b2c.volume=v1,expiration=pipeline_end,fscrypt_key=" + key64 +
                     ",fscrypt_reset_key,pull_from=srv-s3/in/a/b,push_to=srv-s3/out,"
                     "pull_on=pipeline_start|container_start,push_on=changes|pipeline_end|container_end,"
                     "overwrite,remove,exclude=*.tmp,exclude=\"cache/*\",preserve,encrypt_key=ssecustomerkey");
    CHECK(config.diagnostics.empty());
    const auto& v = config.storage.volumes.at(0);
    CHECK(v.expiration == VolumeConfig::Expiration::pipeline_end);
    CHECK(v.fscrypt_key == key64);
    CHECK(v.fscrypt_reset_key);
    CHECK(v.pull_from->bucket == "in");
    CHECK(v.pull_from->prefix == "a/b");
    CHECK(v.push_to->bucket == "out");
    CHECK(v.pull_on == (sync_pipeline_start | sync_container_start));
    CHECK(v.push_on == (sync_changes | sync_pipeline_end | sync_container_end));
    CHECK(v.overwrite);
    CHECK(v.remove);
    CHECK(v.preserve);
    CHECK(v.exclude == Words{"*.tmp", "cache/*"});
    CHECK(v.encrypt_key == "ssecustomerkey");
}

TEST_CASE("b2c.volume: fscrypt_key must be the base 64 of 64 bytes, and is never shown")
{
    auto config = parse_config("b2c.volume=v,fscrypt_key=" + key32);
    CHECK(config.storage.volumes.empty());
    CHECK(contains(only_error(config), "b2c.volume: v: fscrypt_key=*** decodes to 32 bytes (expected"));
    CHECK_FALSE(contains(only_error(config), key32));

    config = parse_config("b2c.volume=v,fscrypt_key=not!base64");
    CHECK(contains(only_error(config), "is not base 64"));
    CHECK_FALSE(contains(only_error(config), "not!base64"));
}

TEST_CASE("b2c.volume: references to undeclared file systems and aliases")
{
    auto config = parse_config("b2c.volume=v,filesystem=fs-x");
    CHECK(config.storage.volumes.empty());
    CHECK(contains(only_error(config), "b2c.volume: v: filesystem=fs-x is not declared"));

    config = parse_config("b2c.volume=v,mirror=nope/b,pull_on=pipeline_start,push_on=pipeline_end");
    CHECK(config.storage.volumes.empty());
    CHECK(contains(only_error(config), "the S3 alias nope is not declared"));

    config = parse_config("b2c.volume=v,mirror=srv-s3/b,pull_on=pipeline_start,push_on=pipeline_end " + minio);
    CHECK(config.diagnostics.empty());
}

TEST_CASE("b2c.volume: malformed sub-options")
{
    CHECK(contains(only_error(parse_config("b2c.volume=v,expiration=tomorrow")),
                   "expiration=tomorrow is not an expiration (expected never or pipeline_end)"));
    CHECK(contains(only_error(parse_config(minio + "b2c.volume=v,mirror=srv-s3,pull_on=changes")),
                   "mirror=srv-s3 is not an S3 location (expected mirror=ALIAS/BUCKET[/PREFIX])"));
    CHECK(contains(only_error(parse_config(minio + "b2c.volume=v,mirror=srv-s3/b,pull_on=boot,push_on=changes")),
                   "pull_on=boot: 'boot' is not a condition"));
    CHECK(contains(only_error(parse_config("b2c.volume=v,push_on=changes")), "push_on= without push_to="));
    CHECK(contains(only_error(parse_config("b2c.volume=v,fscrypt_reset_key")), "fscrypt_reset_key without"));
    CHECK(contains(only_error(parse_config("b2c.volume=v,overwrite=yes")), "overwrite is a flag"));
    CHECK(contains(only_error(parse_config("b2c.volume=-v")), "'-v' is not a volume name"));
    CHECK(contains(only_error(parse_config("b2c.volume=v b2c.volume=v")), "v is declared twice"));
}

TEST_CASE("b2c.volume: warnings")
{
    auto config = parse_config(minio + "b2c.volume=v,pull_from=srv-s3/b");
    CHECK_FALSE(config.has_errors());
    CHECK(contains(only_warning(config), "never pulled"));
    config = parse_config("b2c.volume=v,size=10G");
    CHECK(contains(only_warning(config), "b2c.volume: unknown sub-option 'size'"));
    CHECK(config.storage.volumes.size() == 1);
}

TEST_CASE("b2c.volume: what follows an unquoted secret is not echoed")
{
    auto config = parse_config("b2c.volume=v,encrypt_key=abcd,efgh");
    CHECK_FALSE(contains(only_warning(config), "efgh"));
    CHECK(contains(only_warning(config), "encrypt_key="));
}

TEST_CASE("b2c.swap: a size beyond what a swap file can be is refused")
{
    auto config = parse_config("b2c.swap=18446744073709551615");
    CHECK_FALSE(config.storage.swap_bytes);
    CHECK(contains(only_error(config), "b2c.swap: '18446744073709551615' is too big"));
    CHECK(parse_config("b2c.swap=16T").storage.swap_bytes == 16ull << 40);
    CHECK(parse_config("b2c.swap=17T").has_errors());
}

TEST_CASE("b2c.cache_device: a /dev path cannot leave /dev")
{
    for (auto bad : {"/dev/../etc/passwd", "/dev/./sda", "/dev//sda", "/dev/sda/", "/dev/sd a", "/dev/sda\x1b"}) {
        INFO(bad);
        auto config = parse_config(std::string("b2c.cache_device=\"") + bad + "\"");
        CHECK(config.storage.cache.kind == b2c::cmdline::CacheDevice::Kind::none);
        CHECK(contains(only_error(config), "b2c.cache_device: "));
    }
    for (auto good : {"/dev/sda", "/dev/mmcblk0p2", "/dev/disk/by-id/nvme-Samsung_SSD_970_EVO:1", "/dev/vdb1"}) {
        INFO(good);
        auto config = parse_config(std::string("b2c.cache_device=") + good);
        CHECK(config.diagnostics.empty());
        CHECK(config.storage.cache.name == good);
    }
}

TEST_CASE("b2c.filesystem: type= is a file system type name")
{
    for (auto bad : {"../../x", "ext4/x", "a b", ""}) {
        INFO(bad);
        auto config = parse_config(std::string("b2c.filesystem=\"fs,src=/dev/sdb1,type=") + bad + "\"");
        CHECK(config.storage.filesystems.empty());
        CHECK(contains(only_error(config), "b2c.filesystem: "));
    }
    for (auto good : {"ext4", "nfs4", "9p", "virtiofs", "fuse.sshfs", "smb3"})
        CHECK(parse_config(std::string("b2c.filesystem=fs,src=x,type=") + good).diagnostics.empty());
}

TEST_CASE("b2c.volume: mirror= used in one direction only is no mistake")
{
    // A farm job pulls its traces and never pushes them.
    auto config = parse_config(minio + "b2c.volume=traces,mirror=srv-s3/traces,pull_on=pipeline_start,overwrite");
    CHECK(config.diagnostics.empty());
    CHECK_FALSE(contains(describe(config), "push to"));
    config = parse_config(minio + "b2c.volume=v,mirror=srv-s3/b");
    CHECK(contains(only_warning(config), "v: mirror= without pull_on= or push_on=, the volume is never synced"));
}
