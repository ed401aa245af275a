#include <catch2/catch.hpp>

#include "storage/s3/endpoint.h"

using namespace b2c::s3;

TEST_CASE("keys are encoded the S3 way, slashes kept")
{
    CHECK(uri_encode("a/b c", true) == "a/b%20c");
    CHECK(uri_encode("a+b", true) == "a%2Bb");
    CHECK(uri_encode("100%", true) == "100%25");
    CHECK(uri_encode("é", true) == "%C3%A9");
    CHECK(uri_encode("日本", true) == "%E6%97%A5%E6%9C%AC");
    CHECK(uri_encode("A-z_0.9~", false) == "A-z_0.9~");
    CHECK(uri_encode("test$file.text", true) == "test%24file.text");
    CHECK(uri_encode("=&?#*'()!", true) == "%3D%26%3F%23%2A%27%28%29%21");
}

TEST_CASE("query values encode the slash too")
{
    CHECK(uri_encode("a/b", false) == "a%2Fb");
}

TEST_CASE("a canonical query is sorted, encoded, and gives empty values an '='")
{
    CHECK(canonical_query({{"prefix", "J"}, {"max-keys", "2"}}) == "max-keys=2&prefix=J");
    CHECK(canonical_query({{"uploads", ""}}) == "uploads=");
    CHECK(canonical_query({{"uploadId", "x y"}, {"partNumber", "3"}}) == "partNumber=3&uploadId=x%20y");
    CHECK(canonical_query({{"continuation-token", "1/2+3="}, {"list-type", "2"}}) ==
          "continuation-token=1%2F2%2B3%3D&list-type=2");
}

TEST_CASE("path-style URLs put the bucket in the path")
{
    Endpoint e;
    e.url = "http://127.0.0.1:9000";
    CHECK(object_url(e, "bkt", "dir/a b+c.txt") == "http://127.0.0.1:9000/bkt/dir/a%20b%2Bc.txt");
    CHECK(object_url(e, "bkt", "") == "http://127.0.0.1:9000/bkt/");
    CHECK(object_url(e, "bkt", "", {{"prefix", "p/"}, {"list-type", "2"}}) ==
          "http://127.0.0.1:9000/bkt/?list-type=2&prefix=p%2F");
    e.url = "https://s3.example.org/";
    CHECK(object_url(e, "bkt", "k", {{"uploads", ""}}) == "https://s3.example.org/bkt/k?uploads=");
    e.url = "https://proxy.example.org/s3/";
    CHECK(object_url(e, "bkt", "k") == "https://proxy.example.org/s3/bkt/k");
}

TEST_CASE("virtual-host URLs put the bucket in the host name")
{
    Endpoint e;
    e.url = "https://s3.amazonaws.com";
    e.virtual_host = true;
    CHECK(object_url(e, "examplebucket", "test.txt") == "https://examplebucket.s3.amazonaws.com/test.txt");
    CHECK(object_url(e, "examplebucket", "", {{"lifecycle", ""}}) ==
          "https://examplebucket.s3.amazonaws.com/?lifecycle=");
    e.url = "http://minio.lan:9000";
    CHECK(object_url(e, "b", "ключ") == "http://b.minio.lan:9000/%D0%BA%D0%BB%D1%8E%D1%87");
}

TEST_CASE("an endpoint must be an http(s) URL")
{
    CHECK_THROWS_WITH(parse_base_url("ftp://host"), Catch::Contains("ftp://host") && Catch::Contains("http(s)://"));
    CHECK_THROWS(parse_base_url("http://"));
    CHECK_THROWS(parse_base_url("http://user@host"));
    CHECK_THROWS(parse_base_url("s3.example.org"));
    auto base = parse_base_url("https://[::1]:9000/");
    CHECK(base.scheme == "https");
    CHECK(base.authority == "[::1]:9000");
    CHECK(base.path.empty());
}

TEST_CASE("a prefix becomes 'PREFIX/', without stray slashes")
{
    CHECK(key_prefix("") == "");
    CHECK(key_prefix("/") == "");
    CHECK(key_prefix("a/b") == "a/b/");
    CHECK(key_prefix("/a/b/") == "a/b/");
}

TEST_CASE("a key with a '.' or '..' part has no URL, and the error names it")
{
    for (const char* key : {".", "..", "./a", "a/.", "a/../b", "a/./b", "../../etc/passwd"})
        CHECK(has_dot_segment(key));
    for (const char* key : {"", "a", ".hidden", "a..b", "...", "a/.b./c", "a//b", "/a/"})
        CHECK_FALSE(has_dot_segment(key));
    Endpoint e;
    e.url = "http://127.0.0.1:9000";
    CHECK_THROWS_WITH(object_url(e, "bkt", "logs/../x"), Catch::Contains("'logs/../x'") && Catch::Contains("'..'"));
    CHECK(object_url(e, "bkt", "a//.hidden/b..c") == "http://127.0.0.1:9000/bkt/a//.hidden/b..c");
}

TEST_CASE("a prefix with a '.' or '..' part is refused before any request")
{
    Location at;
    at.endpoint.url = "http://127.0.0.1:1";  // nothing listens: the error must come first
    at.bucket = "bkt";
    at.prefix = "jobs/../other";
    CHECK_THROWS_WITH(list(at, MirrorOptions{}), Catch::Contains("prefix 'jobs/../other'"));
}
