#include <catch2/catch.hpp>

#include "tools/b2c-mirror/options.h"

using namespace b2c::mirror;

namespace {

MirrorCommand parse_mirror_args(std::vector<const char*> args)
{
    args.insert(args.begin(), "b2c-mirror");
    return parse_command(static_cast<int>(args.size()), args.data());
}

}  // namespace

TEST_CASE("b2c-mirror's options")
{
    auto c = parse_mirror_args({"--overwrite", "--remove", "--exclude", "*.log", "--exclude", "tmp/*", "--preserve",
                                "--jobs", "4", "--multipart-threshold", "5M", "--part-size", "1048576", "src",
                                "minio/bkt/pre"});
    CHECK(c.options.overwrite);
    CHECK(c.options.remove);
    CHECK(c.options.preserve);
    CHECK(c.options.exclude == std::vector<std::string>{"*.log", "tmp/*"});
    CHECK(c.options.max_in_flight == 4);
    CHECK(c.options.multipart_threshold == 5u << 20);
    CHECK(c.options.part_size == 1u << 20);
    CHECK(c.source == "src");
    CHECK(c.destination == "minio/bkt/pre");
    CHECK_FALSE(c.options.record_dir);
    CHECK(parse_mirror_args({"--record-dir", "/var/state", "a", "b"}).options.record_dir ==
          std::optional<std::filesystem::path>("/var/state"));
    auto defaults = parse_mirror_args({"a", "b"});
    CHECK_FALSE(defaults.options.overwrite);
    CHECK(defaults.options.max_in_flight == 16);
    CHECK(defaults.options.multipart_threshold == 64u << 20);
    CHECK(defaults.options.attempts == 5);
    CHECK(parse_mirror_args({"--list", "minio/bkt"}).list == std::optional<std::string>("minio/bkt"));
    CHECK(parse_mirror_args({"--version"}).version);  // no SRC and DST needed
}

TEST_CASE("b2c-mirror --version names the libcurl it runs with")
{
    auto text = version_text();
    CHECK(text.rfind("b2c-mirror ", 0) == 0);
    CHECK(text.find("\nlibcurl/") != std::string::npos);
}

TEST_CASE("b2c-mirror's usage errors")
{
    CHECK_THROWS_AS(parse_mirror_args({"onlyone"}), b2c::mirror::UsageError);
    CHECK_THROWS_AS(parse_mirror_args({"--bogus", "a", "b"}), b2c::mirror::UsageError);
    CHECK_THROWS_WITH(parse_mirror_args({"--part-size", "12X", "a", "b"}),
                      Catch::Contains("--part-size") && Catch::Contains("12X"));
    CHECK_THROWS_AS(parse_mirror_args({"--jobs", "0", "a", "b"}), b2c::mirror::UsageError);
    CHECK_THROWS_AS(parse_mirror_args({"--list", "m/b", "extra"}), b2c::mirror::UsageError);
    CHECK_THROWS_WITH(parse_mirror_args({"--record-dir", "", "a", "b"}), Catch::Contains("--record-dir"));
}

TEST_CASE("aliases from the environment and from a config file")
{
    const char* environment[] = {"HOME=/root", "B2C_MINIO_local=http://127.0.0.1:9000,AK,SK", "B2C_MINIO_=x", nullptr};
    auto aliases = aliases_from_environment(environment);
    REQUIRE(aliases.size() == 1);
    CHECK(aliases["local"].url == "http://127.0.0.1:9000");
    CHECK(aliases["local"].access_key == "AK");
    CHECK(aliases["local"].secret_key == "SK");

    auto from_file = aliases_from_config("# test\n\nsrv https://s3.lan ACCESS SECRET\n", "aliases");
    CHECK(from_file["srv"].url == "https://s3.lan");
    CHECK_THROWS_WITH(aliases_from_config("ok http://a b c\nbad http://x onlyaccess\n", "aliases"),
                      Catch::Contains("aliases:2"));
    try {
        parse_alias_value("srv", "http://x,TOPSECRETKEY");
        FAIL("a value without its secret key was accepted");
    } catch (const b2c::mirror::UsageError& e) {
        CHECK_THAT(e.what(), !Catch::Contains("TOPSECRETKEY"));
    }
}

TEST_CASE("ALIAS/BUCKET/PREFIX against local paths")
{
    Aliases aliases{{"minio", b2c::s3::Endpoint{"http://h", "a", "s"}}};
    auto location = parse_remote("minio/bkt/some/prefix", aliases);
    REQUIRE(location);
    CHECK(location->bucket == "bkt");
    CHECK(location->prefix == "some/prefix");
    CHECK(location->endpoint.url == "http://h");
    CHECK(parse_remote("minio/bkt", aliases)->prefix.empty());
    CHECK_FALSE(parse_remote("other/bkt", aliases));
    CHECK_FALSE(parse_remote("./minio/bkt", aliases));
    CHECK_FALSE(parse_remote("/minio/bkt", aliases));
    CHECK_THROWS_AS(parse_remote("minio", aliases), b2c::mirror::UsageError);
}
