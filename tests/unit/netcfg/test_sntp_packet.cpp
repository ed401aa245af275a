#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "netcfg/sntp_client.h"
#include "netcfg/sntp_packet.h"

using namespace b2c::netcfg;
using std::chrono::nanoseconds;
using std::chrono::seconds;

namespace {

constexpr NtpTimestamp nonce{0x1234'5678, 0x9abc'def0};

void put_u32(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint32_t value)
{
    bytes[at] = static_cast<std::uint8_t>(value >> 24);
    bytes[at + 1] = static_cast<std::uint8_t>(value >> 16);
    bytes[at + 2] = static_cast<std::uint8_t>(value >> 8);
    bytes[at + 3] = static_cast<std::uint8_t>(value);
}

// A server's reply written field by field, without our encoder: LI 0,
// version 4, mode 4, stratum 2, reference id 192.0.2.1, and the nonce echoed.
std::vector<std::uint8_t> handmade_reply()
{
    std::vector<std::uint8_t> bytes(48, 0);
    bytes[0] = 0 << 6 | 4 << 3 | 4;
    bytes[1] = 2;                       // stratum
    bytes[2] = 6;                       // poll
    bytes[3] = 0xec;                    // precision -20
    put_u32(bytes, 12, 0xc000'0201);    // reference id
    put_u32(bytes, 16, 0xe9a1'0000);    // reference timestamp
    put_u32(bytes, 24, nonce.seconds);  // origin = our transmit
    put_u32(bytes, 28, nonce.fraction);
    put_u32(bytes, 32, 0xe9a1'0001);  // receive
    put_u32(bytes, 36, 0x8000'0000);
    put_u32(bytes, 40, 0xe9a1'0001);  // transmit
    put_u32(bytes, 44, 0xc000'0000);
    return bytes;
}

std::string rejection(const std::vector<std::uint8_t>& bytes)
{
    try {
        decode_sntp_reply(bytes, nonce);
    } catch (const SntpError& error) {
        return error.what();
    }
    return "<accepted>";
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a request is a version 4 client packet carrying the nonce", "[sntp]")
{
    auto bytes = encode_sntp_request(nonce);
    REQUIRE(bytes.size() == 48);
    CHECK(bytes[0] == 0x23);  // LI 0, VN 4, mode 3
    for (std::size_t i = 1; i < 40; ++i) {
        CAPTURE(i);
        CHECK(bytes[i] == 0);
    }
    CHECK(std::vector<std::uint8_t>(bytes.begin() + 40, bytes.end()) ==
          std::vector<std::uint8_t>{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0});
}

TEST_CASE("a server reply is decoded field by field", "[sntp]")
{
    auto reply = decode_sntp_reply(handmade_reply(), nonce);
    CHECK(reply.leap == LeapIndicator::none);
    CHECK(reply.version == 4);
    CHECK(reply.mode == 4);
    CHECK(reply.stratum == 2);
    CHECK(reply.reference_id == 0xc000'0201);
    CHECK(reply.reference == NtpTimestamp{0xe9a1'0000, 0});
    CHECK(reply.origin == nonce);
    CHECK(reply.receive == NtpTimestamp{0xe9a1'0001, 0x8000'0000});
    CHECK(reply.transmit == NtpTimestamp{0xe9a1'0001, 0xc000'0000});
}

TEST_CASE("the origin of a reply tells which request it answers", "[sntp]")
{
    auto bytes = handmade_reply();
    CHECK(sntp_origin(bytes) == nonce);
    bytes.resize(47);
    CHECK(sntp_origin(bytes).is_zero());
}

TEST_CASE("a version 3 reply and a leap second warning are accepted", "[sntp]")
{
    auto bytes = handmade_reply();
    bytes[0] = 1 << 6 | 3 << 3 | 4;
    auto reply = decode_sntp_reply(bytes, nonce);
    CHECK(reply.version == 3);
    CHECK(reply.leap == LeapIndicator::add_second);
    // Longer than 48 bytes (extension fields, a MAC): the header is what counts.
    bytes.resize(68, 0xaa);
    CHECK(decode_sntp_reply(bytes, nonce).stratum == 2);
}

TEST_CASE("every rejection rule of a reply", "[sntp]")
{
    auto bytes = handmade_reply();

    SECTION("short packet")
    {
        bytes.resize(47);
        CHECK(contains(rejection(bytes), "reply of 47 bytes, shorter than an NTP header"));
    }
    SECTION("not mode 4")
    {
        bytes[0] = 4 << 3 | 3;  // a client request
        CHECK(contains(rejection(bytes), "not a server reply (mode 3, expected 4)"));
        bytes[0] = 4 << 3 | 5;  // broadcast
        CHECK(contains(rejection(bytes), "mode 5"));
    }
    SECTION("unknown version")
    {
        bytes[0] = 2 << 3 | 4;
        CHECK(contains(rejection(bytes), "NTP version 2 (expected 3 or 4)"));
        bytes[0] = 5 << 3 | 4;
        CHECK(contains(rejection(bytes), "NTP version 5"));
    }
    SECTION("origin that is not our nonce")
    {
        put_u32(bytes, 28, nonce.fraction + 1);
        CHECK(contains(rejection(bytes), "origin timestamp 12345678.9abcdef1 is not the one we sent "
                                         "(12345678.9abcdef0)"));
    }
    SECTION("kiss-o'-death, with its code, as its own type")
    {
        bytes[1] = 0;
        put_u32(bytes, 12, 0x5241'5445);  // "RATE"
        CHECK(contains(rejection(bytes), "kiss-o'-death RATE"));
        CHECK_THROWS_AS(decode_sntp_reply(bytes, nonce), SntpKissOfDeath);
    }
    SECTION("stratum 16 and above: unsynchronised")
    {
        bytes[1] = 16;
        CHECK(contains(rejection(bytes), "stratum 16 (the server is not synchronised)"));
        bytes[1] = 15;
        CHECK(rejection(bytes) == "<accepted>");
    }
    SECTION("leap indicator 3: unsynchronised")
    {
        bytes[0] = 3 << 6 | 4 << 3 | 4;
        CHECK(contains(rejection(bytes), "leap indicator 3"));
    }
    SECTION("zero transmit timestamp")
    {
        put_u32(bytes, 40, 0);
        put_u32(bytes, 44, 0);
        CHECK(contains(rejection(bytes), "zero transmit timestamp"));
    }
    SECTION("zero receive timestamp")
    {
        put_u32(bytes, 32, 0);
        put_u32(bytes, 36, 0);
        CHECK(contains(rejection(bytes), "zero receive timestamp"));
    }
    SECTION("a forged reply is refused before its content is looked at")
    {
        bytes[1] = 0;  // a kiss-o'-death that does not answer our request
        put_u32(bytes, 24, 0);
        CHECK(contains(rejection(bytes), "is not the one we sent"));
    }
}

TEST_CASE("kiss codes keep printable characters only", "[sntp]")
{
    CHECK(kiss_code(0x4445'4e59) == "DENY");
    CHECK(kiss_code(0x5253'5452) == "RSTR");
    CHECK(kiss_code(0x4142'0000) == "AB");
    CHECK(kiss_code(0) == "?");
}

TEST_CASE("NTP timestamps from and to Unix time", "[sntp]")
{
    SECTION("the Unix epoch is 2208988800 s after the NTP one")
    {
        CHECK(to_ntp_timestamp(nanoseconds(0)) == NtpTimestamp{2'208'988'800u, 0});
        CHECK(from_ntp_timestamp({2'208'988'800u, 0}) == nanoseconds(0));
    }
    SECTION("fractions of a second")
    {
        CHECK(to_ntp_timestamp(nanoseconds(500'000'000)) == NtpTimestamp{2'208'988'800u, 0x8000'0000});
        CHECK(to_ntp_timestamp(nanoseconds(250'000'000)) == NtpTimestamp{2'208'988'800u, 0x4000'0000});
        CHECK(from_ntp_timestamp({2'208'988'800u, 0xc000'0000}) == nanoseconds(750'000'000));
        // 1 ns is 4.29 units of 2^-32 s: rounded, and back to the same nanosecond.
        CHECK(to_ntp_timestamp(nanoseconds(1)).fraction == 4);
        CHECK(from_ntp_timestamp(to_ntp_timestamp(nanoseconds(1))) == nanoseconds(1));
        CHECK(from_ntp_timestamp(to_ntp_timestamp(nanoseconds(999'999'999))) == nanoseconds(999'999'999));
    }
    SECTION("a time of today goes there and back")
    {
        auto now = seconds(1'750'000'000) + nanoseconds(123'456'789);  // 2025-06-15
        auto ntp = to_ntp_timestamp(now);
        CHECK(ntp.seconds == 1'750'000'000u + 2'208'988'800u);
        CHECK(from_ntp_timestamp(ntp) == now);
    }
    SECTION("before 1970 (a clock that went backwards from the epoch)")
    {
        auto ntp = to_ntp_timestamp(nanoseconds(-250'000'000));
        CHECK(ntp == NtpTimestamp{2'208'988'799u, 0xc000'0000});
        CHECK(from_ntp_timestamp(ntp) == nanoseconds(-250'000'000));
    }
}

TEST_CASE("the NTP era rolls over on 2036-02-07 06:28:16 UTC", "[sntp]")
{
    constexpr std::int64_t rollover = (std::int64_t{1} << 32) - 2'208'988'800;  // Unix seconds
    CHECK(rollover == 2'085'978'496);
    // The last second of era 0 and the first of era 1.
    CHECK(to_ntp_timestamp(seconds(rollover - 1)) == NtpTimestamp{0xffff'ffff, 0});
    CHECK(to_ntp_timestamp(seconds(rollover)) == NtpTimestamp{0, 0});
    CHECK(to_ntp_timestamp(seconds(rollover) + nanoseconds(500'000'000)) == NtpTimestamp{0, 0x8000'0000});
    CHECK(from_ntp_timestamp({0xffff'ffff, 0}) == seconds(rollover - 1));
    CHECK(from_ntp_timestamp({0, 0}) == seconds(rollover));
    CHECK(from_ntp_timestamp({1, 0x8000'0000}) == seconds(rollover + 1) + nanoseconds(500'000'000));
    // 2100-01-01 (Unix 4102444800), deep in era 1, goes there and back.
    CHECK(from_ntp_timestamp(to_ntp_timestamp(seconds(4'102'444'800))) == seconds(4'102'444'800));
    // Era 0 begins to be read as such at 2^31 s (1968-01-20): the top bit.
    CHECK(from_ntp_timestamp({0x8000'0000, 0}) == seconds(0x8000'0000ll - 2'208'988'800));
    CHECK(from_ntp_timestamp({0x7fff'ffff, 0}) == seconds(0x7fff'ffffll + (1ll << 32) - 2'208'988'800));
}

TEST_CASE("offset and delay, RFC 4330 section 5", "[sntp]")
{
    const auto t0 = seconds(1'750'000'000);
    SECTION("the server is 10 s ahead, 20 ms each way, 1 ms in the server")
    {
        auto s =
            compute_sntp_sample(t0, t0 + seconds(10) + std::chrono::milliseconds(20),
                                t0 + seconds(10) + std::chrono::milliseconds(21), t0 + std::chrono::milliseconds(41));
        CHECK(s.offset == seconds(10));
        CHECK(s.delay == std::chrono::milliseconds(40));
    }
    SECTION("an asymmetric path shows as half its difference in the offset")
    {
        auto s = compute_sntp_sample(t0, t0 + std::chrono::milliseconds(30), t0 + std::chrono::milliseconds(30),
                                     t0 + std::chrono::milliseconds(40));
        CHECK(s.offset == std::chrono::milliseconds(10));
        CHECK(s.delay == std::chrono::milliseconds(40));
    }
    SECTION("a machine that booted in 2015 against a server in 2025")
    {
        auto boot = seconds(1'420'070'400);  // 2015-01-01
        auto server = seconds(1'750'000'000);
        auto s = compute_sntp_sample(boot, server + std::chrono::milliseconds(1), server + std::chrono::milliseconds(2),
                                     boot + std::chrono::milliseconds(3));
        CHECK(s.offset == server - boot);
        CHECK(s.delay == std::chrono::milliseconds(2));
    }
    SECTION("a clock at 1970 against a server after the 2036 rollover")
    {
        auto server = from_ntp_timestamp({0x1000'0000, 0});  // 2044
        auto s = compute_sntp_sample(nanoseconds(0), server, server, nanoseconds(0));
        CHECK(s.offset == server);
        CHECK(s.offset > seconds(2'085'978'496));
    }
    SECTION("the server is behind")
    {
        auto s = compute_sntp_sample(t0, t0 - seconds(5), t0 - seconds(5), t0);
        CHECK(s.offset == -seconds(5));
        CHECK(s.delay == nanoseconds(0));
    }
}

TEST_CASE("an NTP peer is HOST or HOST:PORT", "[sntp]")
{
    auto plain = parse_sntp_peer("pool.ntp.org");
    CHECK(plain.host == "pool.ntp.org");
    CHECK(plain.port == 123);
    auto with_port = parse_sntp_peer("10.0.2.2:12345");
    CHECK(with_port.host == "10.0.2.2");
    CHECK(with_port.port == 12345);
    for (const char* bad : {"a:0", "a:65536", "a:", "a:x", "a:1x", ":123", ""}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse_sntp_peer(bad), SntpError);
    }
}
