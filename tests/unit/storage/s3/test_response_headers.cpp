#include <catch2/catch.hpp>

#include "storage/s3/response_headers.h"

using namespace b2c::s3;

TEST_CASE("header lines are collected with lower-case names and trimmed values", "[s3][headers]")
{
    ResponseHeaders headers;
    add_header_line("HTTP/1.1 200 OK\r\n", headers);
    add_header_line("ETag: \"0123abcd\"\r\n", headers);
    add_header_line("X-Amz-Meta-Mc-Attrs:\tmode:33188 \r\n", headers);
    add_header_line("Empty:\r\n", headers);
    add_header_line("\r\n", headers);
    CHECK(headers == ResponseHeaders{{"etag", "\"0123abcd\""}, {"x-amz-meta-mc-attrs", "mode:33188"}, {"empty", ""}});
}

TEST_CASE("a new status line starts a new answer", "[s3][headers]")
{
    ResponseHeaders headers;
    add_header_line("HTTP/1.1 100 Continue\r\n", headers);
    add_header_line("X-Interim: yes\r\n", headers);
    add_header_line("HTTP/1.1 200 OK\r\n", headers);
    add_header_line("ETag: \"e\"\r\n", headers);
    CHECK(headers == ResponseHeaders{{"etag", "\"e\""}});
}

TEST_CASE("lines that are not headers are ignored", "[s3][headers]")
{
    ResponseHeaders headers;
    add_header_line(": no name\r\n", headers);
    add_header_line(" folded: continuation\r\n", headers);
    add_header_line("no colon at all\r\n", headers);
    add_header_line("", headers);
    CHECK(headers.empty());
}

TEST_CASE("an ETag loses its quotes, and only a pair of them", "[s3][headers]")
{
    CHECK(unquoted_etag("\"abc-2\"") == "abc-2");
    CHECK(unquoted_etag("abc") == "abc");
    CHECK(unquoted_etag("\"") == "\"");
    CHECK(unquoted_etag("\"\"") == "");
    CHECK(unquoted_etag("") == "");
}
