#include <catch2/catch.hpp>

#include "helpers.h"

using namespace b2c::cmdline;
using namespace b2c::cmdline::test;
using Words = std::vector<std::string>;

namespace {
}

TEST_CASE("other kernel parameters are ignored")
{
    auto config = parse_config("console=ttyS0 quiet init=/init root=/dev/sda b2cfoo=1");
    CHECK(config.diagnostics.empty());
    CHECK(config.options_given.empty());
}

TEST_CASE("an unknown b2c option is a warning naming it, with a hint")
{
    auto config = parse_config("b2c.frobnicate=1 b2c.hostnme=x b2c.run=alpine");
    CHECK_FALSE(config.has_errors());
    auto found = warnings(config);
    REQUIRE(found.size() == 2);
    CHECK(found[0].option == "b2c.frobnicate");
    CHECK(found[0].message == "unknown option b2c.frobnicate ignored");
    CHECK(found[1].message == "unknown option b2c.hostnme ignored (did you mean b2c.hostname?)");
    CHECK(config.pipeline.runs.size() == 1);
    CHECK(config.options_given == Words{"b2c.run"});
}

TEST_CASE("options_given: canonical names, order of first appearance, once each")
{
    auto config = parse_config("b2c.run=a b2c.keymap=fr b2c.container=b b2c.iface=eth0,dhcp b2c.run=c");
    CHECK(config.options_given == Words{"b2c.run", "b2c.keymap", "b2c.iface"});
}

TEST_CASE("a single-valued option given twice: the last one wins, with a warning")
{
    auto config = parse_config("b2c.hostname=a b2c.hostname=b");
    CHECK(config.network.hostname == "b");
    CHECK(contains(only_warning(config), "b2c.hostname: given more than once, the last one wins"));
    config = parse_config("b2c.run=a b2c.run=b");
    CHECK(config.diagnostics.empty());
}

TEST_CASE("an option without its value is an error")
{
    auto config = parse_config("b2c.iface");
    CHECK(contains(only_error(config), "b2c.iface: needs a value (expected b2c.iface=NAME,dhcp"));
}

TEST_CASE("a tokenizer error becomes one error naming its option")
{
    auto config = parse_config(R"(b2c.hostname=a b2c.run="-ti alpine)");
    REQUIRE(config.diagnostics.size() == 1);
    CHECK(config.diagnostics[0].option == "b2c.run");
    CHECK(config.diagnostics[0].message ==
          "b2c.run: unterminated double quote (its value runs to the end of the command line; close the quote)");
    CHECK(config.has_errors());
    CHECK(config.network.hostname == "boot2container");
}

TEST_CASE("has_errors: warnings alone are not errors")
{
    CHECK_FALSE(parse_config("b2c.x").has_errors());
    CHECK(parse_config("b2c.swap=x").has_errors());
}

TEST_CASE("secrets() lists every secret once")
{
    auto config = parse_config("b2c.login=r,username=u,password=pw1 b2c.login=q,username=u,password=pw1 "
                               "b2c.minio=s,http://h,ak,sk b2c.volume=v,fscrypt_key=" +
                               key64 + ",encrypt_key=ek,mirror=s/b,pull_on=changes,push_on=changes");
    CHECK(config.diagnostics.empty());
    CHECK(config.secrets() == Words{"pw1", "ak", "sk", key64, "ek"});
}

TEST_CASE("secrets never appear in diagnostics")
{
    std::string line = "b2c.login=r,username=u,password=hunter22,bogus b2c.login=r,password=\"hunter33\" "
                       "b2c.minio=s,https://h,accessAAAA,secretBBBB,extra b2c.minio=s,https://h,accessAAAA,secretBBBB "
                       "b2c.volume=v,fscrypt_key=" +
                       key64 +
                       ",encrypt_key=custCCCC,bad "
                       "b2c.volume=w,fscrypt_key=" +
                       key64 + ",filesystem=nope,encrypt_key=custDDDD";
    auto config = parse_config(line);
    CHECK(config.has_errors());
    for (const auto& d : config.diagnostics) {
        INFO(d.message);
        for (auto secret : {"hunter22", "hunter33", "accessAAAA", "secretBBBB", "custCCCC", "custDDDD"})
            CHECK_FALSE(contains(d.message, secret));
        CHECK_FALSE(contains(d.message, key64));
        CHECK_FALSE(contains(d.message, key64.substr(0, 20)));
    }
}

TEST_CASE("describe: defaults")
{
    auto text = describe(parse_config(""));
    CHECK(contains(text, "pipeline:\n  no containers\n"));
    CHECK(contains(text, "network:\n  DHCP on every wired interface\n"));
    CHECK(contains(text, "storage:\n  cache: none"));
    CHECK(contains(text, "machine:\n  defaults\n"));
    CHECK_FALSE(contains(text, "hostname"));
}

TEST_CASE("describe: every family, secrets as ***")
{
    auto config = parse_config(
        "b2c.login=docker.io,username=me,password=hunter22 b2c.run=\"-ti alpine\" b2c.run_service=svc "
        "b2c.run_post=post b2c.pipefail b2c.iface=eth0,address=10.0.0.2/24,gateway=10.0.0.1,"
        "route=10.1.0.0/16:10.0.0.254,nameserver=9.9.9.9,forward b2c.hostname=web b2c.ntp_peer=auto b2c.keymap=fr "
        "b2c.extra_args_url=https://x/y b2c.cache_device=auto b2c.swap=1G b2c.filesystem=fs,src=/dev/sdb1,type=ext4,"
        "opts=ro|noatime b2c.minio=s3,https://h,accessAAAA,secretBBBB b2c.volume=v,filesystem=fs,fscrypt_key=" +
        key64 +
        ",mirror=s3/b/p,pull_on=pipeline_start,push_on=changes,exclude=*.o,encrypt_key=custCCCC,preserve "
        "b2c.insmods=e1000 b2c.poweroff_delay=5 b2c.shutdown_cmd=\"poweroff -f\" b2c.reboot_cmd=\"sh -c 'reboot -f'\"");
    REQUIRE(config.diagnostics.empty());
    auto text = describe(config);
    INFO(text);
    for (auto part :
         {"run: -ti alpine", "service: svc", "post: post", "pipefail", "login: docker.io as me, password ***",
          "interface eth0: address 10.0.0.2/24, gateway 10.0.0.1, route 10.1.0.0/16 via 10.0.0.254, "
          "nameserver 9.9.9.9, forward",
          "hostname: web", "ntp peer: pool.ntp.org", "keymap: fr", "extra args from: https://x/y", "cache: auto",
          "swap: 1073741824 bytes", "filesystem fs: src /dev/sdb1, type ext4, opts ro|noatime",
          "minio s3: https://h, keys ***",
          "volume v: filesystem fs, fscrypt key ***, pull from s3/b/p on pipeline_start, push to s3/b/p on "
          "changes, preserve, exclude *.o, encrypt key ***",
          "modules: e1000", "poweroff delay: 5 s", "shutdown command: poweroff -f",
          "reboot command: sh -c 'reboot -f'"})
        CHECK(contains(text, part));
    for (auto secret : {"hunter22", "accessAAAA", "secretBBBB", "custCCCC"})
        CHECK_FALSE(contains(text, secret));
    CHECK_FALSE(contains(text, key64));
}

TEST_CASE("describe: a secret repeated in a container's arguments is hidden too")
{
    auto config = parse_config("b2c.login=r,username=u,password=hunter22 b2c.run=\"-e P=hunter22 alpine\"");
    CHECK_FALSE(contains(describe(config), "hunter22"));
}

TEST_CASE("the examples of the spec parse without diagnostics")
{
    for (auto line : {
             "b2c.run=\"-it docker.io/alpine:3.20\" b2c.keymap=fr",
             "b2c.login=docker.io,username=\"$LOGIN\",password=\"$PASSWORD\" b2c.run_service=\"-t -v "
             "data:/opt/app/backend/data docker.io/stonith404/pingvin-share\" b2c.run=\"-t docker.io/alpine:3.20 sleep "
             "7200\" b2c.run_post=\"-t -v data:/scan docker.io/clamav/clamav:latest clamscan --recursive=yes "
             "--remove=yes /scan\"",
             "b2c.hostname=ntop b2c.ntp_peer=0.fr.pool.ntp.org b2c.iface=eth0,dhcp,forward,nameserver=9.9.9.9 "
             "b2c.iface=eth1,address=192.168.42.1/24 b2c.run=\"-t docker.io/ntop/ntopng:stable -i eth1\"",
             "b2c.cache_device=auto b2c.volume=vdata b2c.run=\"-it -v vdata:/data docker.io/alpine:3.20\" "
             "b2c.run=\"-it -v vdata:/data docker.io/debian:12-slim\"",
             "b2c.filesystem=fs-disk,type=ext4,src=/dev/sdb1 "
             "b2c.filesystem=fs-nfs,type=nfs,src=192.168.42.254:/,opts=ro "
             "b2c.volume=vol-disk,filesystem=fs-disk b2c.volume=vol-nfs,filesystem=fs-nfs "
             "b2c.run=\"-it -v vol-disk:/mnt/disk -v vol-nfs:/mnt/nfs docker.io/alpine:3.20\"",
             "b2c.minio=srv-s3,https://192.168.42.254,$access_key,$secret_key "
             "b2c.volume=vol-s3,mirror=srv-s3/$bucket_name,pull_on=pipeline_start,push_on=container_end "
             "b2c.run=\"-it -v vol-s3:/mnt/s3 docker.io/alpine:3.20\"",
             "b2c.keymap=fr b2c.hostname=web b2c.cache_device=auto b2c.filesystem=fs-www,type=9p,src=www "
             "b2c.volume=vol-www,filesystem=fs-www b2c.volume=vol-log b2c.run=\"-it -v vol-log:/var/log -v "
             "vol-www:/usr/share/nginx/html docker.io/nginx:latest\"",
         }) {
        auto config = parse_config(line);
        INFO(line);
        CHECK(config.diagnostics.empty());
    }
}
