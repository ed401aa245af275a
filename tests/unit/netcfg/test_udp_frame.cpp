#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "netcfg/udp_frame.h"

using namespace b2c::netcfg;

namespace {

const MacAddress client_mac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
const MacAddress broadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
const std::vector<std::uint8_t> abc = {'a', 'b', 'c'};

std::uint16_t u16_at(const std::vector<std::uint8_t>& bytes, std::size_t at)
{
    return static_cast<std::uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}

UdpEndpoints discover_endpoints()
{
    return UdpEndpoints{client_mac, broadcast, 0, 0xffffffff, 68, 67};
}

}  // namespace

TEST_CASE("the Internet checksum of RFC 1071's example", "[checksum]")
{
    const std::vector<std::uint8_t> bytes = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    CHECK(internet_checksum(bytes) == 0x220d);
}

TEST_CASE("the IPv4 header checksum of a well-known header", "[checksum]")
{
    // The example header of Wikipedia's "IPv4 header checksum" article.
    const std::vector<std::uint8_t> header = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                              0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    CHECK(internet_checksum(header) == 0xb861);
}

TEST_CASE("odd-length data is padded with a zero byte", "[checksum]")
{
    CHECK(internet_checksum(std::vector<std::uint8_t>{0x12}) == static_cast<std::uint16_t>(~0x1200));
}

TEST_CASE("a DHCP client frame has the right headers and checksums", "[frame]")
{
    auto frame = build_udp_frame(discover_endpoints(), abc);
    REQUIRE(frame.size() == 14 + 20 + 8 + 3);

    CHECK(std::equal(broadcast.begin(), broadcast.end(), frame.begin()));
    CHECK(std::equal(client_mac.begin(), client_mac.end(), frame.begin() + 6));
    CHECK(u16_at(frame, 12) == 0x0800);

    CHECK(frame[14] == 0x45);
    CHECK(u16_at(frame, 16) == 31);      // IP total length
    CHECK(frame[22] == 64);              // TTL
    CHECK(frame[23] == 17);              // UDP
    CHECK(u16_at(frame, 24) == 0x7acf);  // computed independently (Python)
    CHECK(internet_checksum(std::span(frame).subspan(14, 20)) == 0);

    CHECK(u16_at(frame, 34) == 68);
    CHECK(u16_at(frame, 36) == 67);
    CHECK(u16_at(frame, 38) == 11);
    CHECK(u16_at(frame, 40) == 0x3aef);                                          // computed independently (Python)
    CHECK(udp_checksum(0, 0xffffffff, std::span(frame).subspan(34)) == 0xffff);  // verifies: sum is all ones
}

TEST_CASE("a UDP checksum of zero is sent as all ones", "[checksum]")
{
    // Payload chosen so that the sum is all ones: 0 must not be sent (it means "none").
    std::vector<std::uint8_t> udp = {0, 68, 0, 67, 0, 10, 0, 0, 0, 0};
    std::uint32_t pseudo_without_payload = 0 + 0 + 0xffff + 0xffff + 17 + 10 + 68 + 67 + 10;
    while (pseudo_without_payload >> 16)
        pseudo_without_payload = (pseudo_without_payload & 0xffff) + (pseudo_without_payload >> 16);
    auto fill = static_cast<std::uint16_t>(0xffff - pseudo_without_payload);
    udp[8] = static_cast<std::uint8_t>(fill >> 8);
    udp[9] = static_cast<std::uint8_t>(fill);
    CHECK(udp_checksum(0, 0xffffffff, udp) == 0xffff);
}

TEST_CASE("a frame parses back to its endpoints and payload", "[frame]")
{
    UdpEndpoints offer{client_mac, broadcast, 0x0a000202, 0xffffffff, 67, 68};
    auto frame = build_udp_frame(offer, abc);
    auto parsed = parse_udp_frame(frame);
    REQUIRE(parsed);
    CHECK(parsed->endpoints.source_mac == client_mac);
    CHECK(parsed->endpoints.destination_mac == broadcast);
    CHECK(parsed->endpoints.source_ip == 0x0a000202);
    CHECK(parsed->endpoints.destination_ip == 0xffffffff);
    CHECK(parsed->endpoints.source_port == 67);
    CHECK(parsed->endpoints.destination_port == 68);
    CHECK(std::vector<std::uint8_t>(parsed->payload.begin(), parsed->payload.end()) == abc);
}

TEST_CASE("Ethernet padding after the IP packet is ignored", "[frame]")
{
    auto frame = build_udp_frame(discover_endpoints(), abc);
    frame.resize(60, 0);  // minimum Ethernet frame
    auto parsed = parse_udp_frame(frame);
    REQUIRE(parsed);
    CHECK(parsed->payload.size() == 3);
}

TEST_CASE("frames that are not whole IPv4/UDP packets are rejected", "[frame]")
{
    auto good = build_udp_frame(discover_endpoints(), abc);
    REQUIRE(parse_udp_frame(good));

    for (std::size_t size = 0; size < good.size(); ++size)
        CHECK_FALSE(parse_udp_frame(std::span(good).first(size)));

    auto bad = good;
    bad[12] = 0x86, bad[13] = 0xdd;  // IPv6
    CHECK_FALSE(parse_udp_frame(bad));
    bad = good;
    bad[23] = 6;  // TCP
    CHECK_FALSE(parse_udp_frame(bad));
    bad = good;
    bad[24] ^= 0xff;  // IPv4 header checksum
    CHECK_FALSE(parse_udp_frame(bad));
    bad = good;
    bad[20] = 0x20;  // more fragments
    CHECK_FALSE(parse_udp_frame(bad));
    bad = good;
    bad[38] = 0xff;  // UDP length past the packet
    CHECK_FALSE(parse_udp_frame(bad));
    bad = good;
    bad[14] = 0x44;  // IHL below 5
    CHECK_FALSE(parse_udp_frame(bad));
}
