#include <catch2/catch.hpp>

#include <limits>
#include <stdexcept>

#include "cmdline/config.h"

using namespace b2c::cmdline;

TEST_CASE("ipv4: parse and print")
{
    CHECK(parse_ipv4("10.0.2.15").host_order == 0x0A00020F);
    CHECK(parse_ipv4("0.0.0.0").host_order == 0);
    CHECK(parse_ipv4("255.255.255.255").host_order == 0xFFFFFFFF);
    CHECK(parse_ipv4("192.168.42.1").str() == "192.168.42.1");
    CHECK(Ipv4Address{0x0A00020F}.str() == "10.0.2.15");
}

TEST_CASE("ipv4: strict dotted quad")
{
    for (auto bad : {"", "10.0.2", "10.0.2.15.1", "10.0.2.300", "10.0.2.-1", "010.0.2.15", "10.0.2.15 ", "a.b.c.d",
                     "10..2.15", "10.0.2.", "1e1.0.0.1", "4294967296.0.0.1"})
        CHECK_THROWS_AS(parse_ipv4(bad), std::invalid_argument);
    CHECK_THROWS_WITH(parse_ipv4("10.0.2.300"), Catch::Contains("10.0.2.300") && Catch::Contains("A.B.C.D"));
}

TEST_CASE("cidr: parse and print")
{
    auto cidr = parse_cidr("10.0.2.15/24");
    CHECK(cidr.address == parse_ipv4("10.0.2.15"));
    CHECK(cidr.prefix_length == 24);
    CHECK(cidr.str() == "10.0.2.15/24");
    CHECK(parse_cidr("0.0.0.0/0").prefix_length == 0);
    CHECK(parse_cidr("1.2.3.4/32").prefix_length == 32);
}

TEST_CASE("cidr: the prefix length is required, 0 to 32")
{
    for (auto bad : {"10.0.2.15", "10.0.2.15/", "10.0.2.15/33", "10.0.2.15/-1", "10.0.2.15/08", "10.0.2.300/24", "/24",
                     "10.0.2.15/24/1", "10.0.2.15/a"})
        CHECK_THROWS_AS(parse_cidr(bad), std::invalid_argument);
    CHECK_THROWS_WITH(parse_cidr("10.0.2.15"), Catch::Contains("A.B.C.D/N"));
}

TEST_CASE("size: units are powers of 1024")
{
    CHECK(parse_size("0") == 0);
    CHECK(parse_size("1024") == 1024);
    CHECK(parse_size("1024B") == 1024);
    CHECK(parse_size("1K") == 1024);
    CHECK(parse_size("512M") == 512ull << 20);
    CHECK(parse_size("8G") == 8ull << 30);
    CHECK(parse_size("8g") == 8ull << 30);
    CHECK(parse_size("8GB") == 8ull << 30);
    CHECK(parse_size("8GiB") == 8ull << 30);
    CHECK(parse_size("2T") == 2ull << 40);
    CHECK(parse_size("18446744073709551615") == std::numeric_limits<std::uint64_t>::max());
}

TEST_CASE("size: garbage, negatives and overflow are refused")
{
    for (auto bad : {"", "G", "-1", "+1", "8X", "1.5G", "8 G", " 8G", "8GBB", "8iB", "8Gi", "18446744073709551616",
                     "16777216T", "99999999999999999999999"})
        CHECK_THROWS_AS(parse_size(bad), std::invalid_argument);
    CHECK_THROWS_WITH(parse_size("8X"), Catch::Contains("8X") && Catch::Contains("8G"));
}
