#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "netcfg/dhcp_client.h"
#include "netcfg/dhcp_packet.h"
#include "netcfg/network_order.h"

using namespace b2c::netcfg;

namespace {

const MacAddress mac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

// A server's reply written byte by byte, the way a server would, without our encoder.
std::vector<std::uint8_t> handmade_reply(std::uint8_t type, std::vector<std::uint8_t> extra_options = {})
{
    std::vector<std::uint8_t> bytes(236, 0);
    bytes[0] = 2;  // BOOTREPLY
    bytes[1] = 1;
    bytes[2] = 6;
    bytes[4] = 0xde, bytes[5] = 0xad, bytes[6] = 0xbe, bytes[7] = 0xef;  // xid
    bytes[10] = 0x80;                                                    // broadcast flag
    bytes[16] = 10, bytes[17] = 0, bytes[18] = 2, bytes[19] = 15;        // yiaddr
    bytes[20] = 10, bytes[21] = 0, bytes[22] = 2, bytes[23] = 2;         // siaddr
    std::copy(mac.begin(), mac.end(), bytes.begin() + 28);
    std::vector<std::uint8_t> options = {
        0x63, 0x82, 0x53, 0x63,                                   // magic cookie
        53,   1,    type,                                         // message type
        54,   4,    10,   0,    2,    2,                          // server id
        1,    4,    255,  255,  255,  0,                          // mask
        3,    8,    10,   0,    2,    2,    10,   0,    2,    1,  // routers
        6,    8,    10,   0,    2,    3,    1,    1,    1,    1,  // DNS
        0,                                                        // a pad in the middle
        15,   12,   'e',  'x',  'a',  'm',  'p',  'l',  'e',  '.', 't', 'e', 's',
        't',  12,   5,    'h',  'o',  's',  't',  '1',  // host name
        51,   4,    0,    0,    0x0e, 0x10,             // lease 3600 s
        58,   4,    0,    0,    0x07, 0x08,             // T1 1800 s
        59,   4,    0,    0,    0x0c, 0x4e,             // T2 3150 s
        61,   7,    1,    0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 55,  2,   1,   3,
    };
    options.insert(options.end(), extra_options.begin(), extra_options.end());
    options.push_back(255);
    bytes.insert(bytes.end(), options.begin(), options.end());
    return bytes;
}

}  // namespace

TEST_CASE("a DISCOVER is encoded byte for byte", "[dhcp]")
{
    auto bytes = encode_dhcp(make_discover(0x12345678, mac, "b2c"));

    REQUIRE(bytes.size() >= 300);
    CHECK(bytes[0] == 1);  // BOOTREQUEST
    CHECK(bytes[1] == 1);  // Ethernet
    CHECK(bytes[2] == 6);
    CHECK(bytes[3] == 0);
    CHECK(read_u32(bytes, 4) == 0x12345678);
    CHECK(bytes[10] == 0x80);  // broadcast flag
    CHECK(bytes[11] == 0);
    for (std::size_t at = 12; at < 28; ++at)
        CHECK(bytes[at] == 0);  // ciaddr, yiaddr, siaddr, giaddr
    CHECK(std::equal(mac.begin(), mac.end(), bytes.begin() + 28));
    for (std::size_t at = 34; at < 236; ++at)
        CHECK(bytes[at] == 0);  // chaddr padding, sname, file
    CHECK(read_u32(bytes, 236) == 0x63825363);

    const std::vector<std::uint8_t> expected_options = {
        53, 1, 1,  // DHCPDISCOVER
        61, 7, 1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 12, 3, 'b', '2', 'c', 55, 8, 1, 3, 6, 12, 15, 51, 58, 59, 255,
    };
    REQUIRE(bytes.size() >= 240 + expected_options.size());
    CHECK(std::vector<std::uint8_t>(bytes.begin() + 240, bytes.begin() + 240 + expected_options.size()) ==
          expected_options);
    for (auto at = 240 + expected_options.size(); at < bytes.size(); ++at)
        CHECK(bytes[at] == 0);
}

TEST_CASE("a DISCOVER without a host name has no option 12", "[dhcp]")
{
    auto message = decode_dhcp(encode_dhcp(make_discover(1, mac, "")));
    CHECK(message.host_name.empty());
    CHECK(message.type == DhcpMessageType::discover);
}

TEST_CASE("a REQUEST names the offered address and the server", "[dhcp]")
{
    auto offer = decode_dhcp(handmade_reply(2));
    auto request = decode_dhcp(encode_dhcp(make_request(0xdeadbeef, mac, "b2c", offer)));
    CHECK(request.op == bootp_request);
    CHECK(request.type == DhcpMessageType::request);
    CHECK(request.xid == 0xdeadbeef);
    CHECK(request.requested_ip == 0x0a00020fu);
    CHECK(request.server_id == 0x0a000202u);
    CHECK(request.ciaddr == 0);
    CHECK(request.host_name == "b2c");
    CHECK(request.client_id == std::vector<std::uint8_t>{1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56});
}

TEST_CASE("a hand-made OFFER and ACK are decoded with all their options", "[dhcp]")
{
    for (std::uint8_t type : {2, 5}) {
        auto message = decode_dhcp(handmade_reply(type));
        CHECK(message.type == static_cast<DhcpMessageType>(type));
        CHECK(message.op == bootp_reply);
        CHECK(message.xid == 0xdeadbeef);
        CHECK(message.flags == bootp_broadcast_flag);
        CHECK(message.yiaddr == 0x0a00020f);
        CHECK(message.siaddr == 0x0a000202);
        CHECK(message.chaddr == mac);
        CHECK(message.server_id == 0x0a000202u);
        CHECK(message.subnet_mask == 0xffffff00u);
        CHECK(message.routers == std::vector<std::uint32_t>{0x0a000202, 0x0a000201});
        CHECK(message.dns_servers == std::vector<std::uint32_t>{0x0a000203, 0x01010101});
        CHECK(message.domain_name == "example.test");
        CHECK(message.host_name == "host1");
        CHECK(message.lease_time == 3600u);
        CHECK(message.renewal_time == 1800u);
        CHECK(message.rebinding_time == 3150u);
        CHECK(message.client_id == std::vector<std::uint8_t>{1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56});
        CHECK(message.parameter_request_list == std::vector<std::uint8_t>{1, 3});
    }
}

TEST_CASE("a NAK is decoded", "[dhcp]")
{
    CHECK(decode_dhcp(handmade_reply(6)).type == DhcpMessageType::nak);
}

TEST_CASE("unknown options are skipped and repeated ones concatenated", "[dhcp]")
{
    auto message = decode_dhcp(handmade_reply(5, {250, 3, 1, 2, 3, 6, 4, 9, 9, 9, 9}));
    CHECK(message.dns_servers == std::vector<std::uint32_t>{0x0a000203, 0x01010101, 0x09090909});
}

TEST_CASE("encoding then decoding gives the same message", "[dhcp]")
{
    DhcpMessage ack;
    ack.op = bootp_reply;
    ack.xid = 42;
    ack.yiaddr = 0xc0a80164;
    ack.chaddr = mac;
    ack.type = DhcpMessageType::ack;
    ack.subnet_mask = 0xffff0000;
    ack.routers = {0xc0a80101};
    ack.dns_servers = {0xc0a80101, 0x08080808};
    ack.domain_name = std::string(300, 'd');  // longer than one option: split in two
    ack.lease_time = 120;
    ack.server_id = 0xc0a80101;
    auto decoded = decode_dhcp(encode_dhcp(ack));
    CHECK(decoded.yiaddr == ack.yiaddr);
    CHECK(decoded.subnet_mask == ack.subnet_mask);
    CHECK(decoded.routers == ack.routers);
    CHECK(decoded.dns_servers == ack.dns_servers);
    CHECK(decoded.domain_name == ack.domain_name);
    CHECK(decoded.lease_time == ack.lease_time);
    CHECK(decoded.server_id == ack.server_id);
}

TEST_CASE("malformed messages are rejected without crashing", "[dhcp]")
{
    auto good = handmade_reply(5);
    REQUIRE_NOTHROW(decode_dhcp(good));

    SECTION("every truncation")
    {
        // Cut anywhere before the end option: too short, or an option cut short, or no end.
        for (std::size_t size = 0; size + 1 < good.size(); ++size)
            CHECK_THROWS_AS(decode_dhcp(std::span(good).first(size)), DhcpDecodeError);
    }
    SECTION("bad magic cookie")
    {
        good[239] = 0x64;
        CHECK_THROWS_WITH(decode_dhcp(good), Catch::Contains("magic cookie"));
    }
    SECTION("an option overflowing the buffer")
    {
        good.pop_back();  // the end option
        good.insert(good.end(), {15, 200, 'x'});
        CHECK_THROWS_WITH(decode_dhcp(good), Catch::Contains("claims 200 bytes"));
    }
    SECTION("an address option of the wrong length")
    {
        auto bad = handmade_reply(5, {3, 5, 1, 2, 3, 4, 5});
        CHECK_THROWS_AS(decode_dhcp(bad), DhcpDecodeError);
    }
    SECTION("a lease time of the wrong length")
    {
        auto bad = handmade_reply(5, {51, 2, 1, 2});
        CHECK_THROWS_AS(decode_dhcp(bad), DhcpDecodeError);
    }
    SECTION("a bad message type")
    {
        good[242] = 9;
        CHECK_THROWS_AS(decode_dhcp(good), DhcpDecodeError);
    }
    SECTION("plain BOOTP without a message type")
    {
        good[240] = 0, good[241] = 0, good[242] = 0;  // 53 overwritten with pads
        CHECK_THROWS_WITH(decode_dhcp(good), Catch::Contains("BOOTP"));
    }
    SECTION("not Ethernet")
    {
        good[1] = 6;
        CHECK_THROWS_AS(decode_dhcp(good), DhcpDecodeError);
    }
    SECTION("random bytes")
    {
        std::uint32_t state = 1;
        for (int round = 0; round < 2000; ++round) {
            auto noisy = good;
            for (int flips = 0; flips < 8; ++flips) {
                state = state * 1103515245 + 12345;
                auto at = 240 + (state >> 8) % (noisy.size() - 240);
                noisy[at] = static_cast<std::uint8_t>(state >> 16);
            }
            try {
                decode_dhcp(noisy);
            } catch (const DhcpDecodeError&) {
            }
        }
    }
}

TEST_CASE("the prefix comes from the netmask, else from the address class", "[dhcp]")
{
    DhcpMessage message;
    message.subnet_mask = 0xfffffc00;
    CHECK(lease_prefix_length(message, 0x0a000001) == 22);
    message.subnet_mask.reset();
    CHECK(lease_prefix_length(message, 0x0a000001) == 8);
    CHECK(lease_prefix_length(message, 0xac100001) == 16);
    CHECK(lease_prefix_length(message, 0xc0a80001) == 24);
    message.subnet_mask = 0xff00ff00;  // not contiguous
    CHECK(lease_prefix_length(message, 0xc0a80001) == 24);
}
