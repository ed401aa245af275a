// Lease times (RFC 2131 4.4.5 defaults), the renewal DHCPREQUEST (RFC 2131
// table 5) and what an ACK to it changes.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <vector>

#include "netcfg/dhcp_lease.h"
#include "netcfg/dhcp_packet.h"
#include "netcfg/network_order.h"

using namespace b2c::netcfg;

namespace {

const MacAddress our_mac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
constexpr std::uint32_t our_address = 0x0a00020f;  // 10.0.2.15
constexpr std::uint32_t server = 0x0a000202;       // 10.0.2.2

// Whether option `code` is in the options area of an encoded message.
bool has_option(const std::vector<std::uint8_t>& bytes, std::uint8_t code)
{
    for (std::size_t at = bootp_fixed_size + 4; at < bytes.size();) {
        auto current = bytes[at];
        if (current == dhcp_option::end)
            return false;
        if (current == dhcp_option::pad) {
            ++at;
            continue;
        }
        if (current == code)
            return true;
        at += 2 + bytes[at + 1];
    }
    return false;
}

DhcpLease sample_lease()
{
    DhcpLease lease;
    lease.interface = "eth0";
    lease.ifindex = 2;
    lease.mac = our_mac;
    lease.address = our_address;
    lease.prefix_length = 24;
    lease.routers = {server};
    lease.dns_servers = {0x0a000203};
    lease.domain = "example.test";
    lease.server = server;
    lease.lease_seconds = 3600;
    lease.renewal_seconds = 1800;
    lease.rebinding_seconds = 3150;
    lease.acquired = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    return lease;
}

DhcpMessage ack_for(std::uint32_t address)
{
    DhcpMessage ack;
    ack.op = bootp_reply;
    ack.type = DhcpMessageType::ack;
    ack.yiaddr = address;
    ack.chaddr = our_mac;
    ack.server_id = server;
    ack.lease_time = 7200;
    return ack;
}

}  // namespace

TEST_CASE("T1 and T2 default to 0.5 and 0.875 of the lease", "[lease]")
{
    auto times = lease_times(3600, std::nullopt, std::nullopt);
    CHECK(times.lease == 3600);
    CHECK(times.renewal == 1800);
    CHECK(times.rebinding == 3150);

    // Only T1 given: T2 keeps its default.
    times = lease_times(3600, 600, std::nullopt);
    CHECK(times.renewal == 600);
    CHECK(times.rebinding == 3150);
}

TEST_CASE("the server's T1 and T2 are kept when T1 <= T2 <= lease", "[lease]")
{
    auto times = lease_times(120, 4, 7);
    CHECK(times.lease == 120);
    CHECK(times.renewal == 4);
    CHECK(times.rebinding == 7);
}

TEST_CASE("inconsistent T1 and T2 fall back to the defaults", "[lease]")
{
    auto later_t1 = lease_times(3600, 3200, 3000);  // T1 after T2
    CHECK(later_t1.renewal == 1800);
    CHECK(later_t1.rebinding == 3150);
    auto beyond = lease_times(3600, 1000, 4000);  // T2 after the end
    CHECK(beyond.renewal == 1800);
    CHECK(beyond.rebinding == 3150);
    auto t1_only_late = lease_times(3600, 3400, std::nullopt);  // past the default T2
    CHECK(t1_only_late.renewal == 1800);
    CHECK(t1_only_late.rebinding == 3150);
}

TEST_CASE("an infinite or missing lease time means nothing to renew", "[lease]")
{
    for (auto lease : {std::optional<std::uint32_t>{infinite_lease_seconds}, std::optional<std::uint32_t>{}}) {
        auto times = lease_times(lease, 10, 20);
        CHECK(times.lease == infinite_lease_seconds);
        CHECK(times.renewal == infinite_lease_seconds);
        CHECK(times.rebinding == infinite_lease_seconds);
    }
    DhcpLease lease;
    set_lease_times(lease, DhcpMessage{});
    CHECK(is_infinite(lease));
}

TEST_CASE("the defaults of a very long lease do not overflow", "[lease]")
{
    auto times = lease_times(0xfffffffe, std::nullopt, std::nullopt);
    CHECK(times.renewal == 0x7fffffff);
    CHECK(times.rebinding == static_cast<std::uint32_t>(std::uint64_t{0xfffffffe} * 7 / 8));
}

TEST_CASE("set_lease_times reads options 51, 58 and 59", "[lease]")
{
    DhcpMessage ack = ack_for(our_address);
    ack.lease_time = 86400;
    ack.renewal_time = 40000;
    ack.rebinding_time = 70000;
    DhcpLease lease;
    set_lease_times(lease, ack);
    CHECK(lease.lease_seconds == 86400);
    CHECK(lease.renewal_seconds == 40000);
    CHECK(lease.rebinding_seconds == 70000);
    CHECK_FALSE(is_infinite(lease));
}

TEST_CASE("the renewal DHCPREQUEST follows RFC 2131 table 5", "[lease][dhcp]")
{
    auto message = make_renewal_request(0xcafe0001, our_mac, "b2c", our_address);
    auto bytes = encode_dhcp(message);

    CHECK(bytes[0] == bootp_request);
    CHECK(read_u32(bytes, 4) == 0xcafe0001);
    CHECK(bytes[10] == 0);                      // no broadcast flag: we can receive unicast
    CHECK(read_u32(bytes, 12) == our_address);  // ciaddr
    CHECK(read_u32(bytes, 16) == 0);            // yiaddr
    CHECK(std::equal(our_mac.begin(), our_mac.end(), bytes.begin() + 28));

    // MUST NOT: requested IP address and server identifier.
    CHECK_FALSE(has_option(bytes, dhcp_option::requested_ip));
    CHECK_FALSE(has_option(bytes, dhcp_option::server_id));
    // MUST: the message type; MAY: client id, host name, parameter list.
    CHECK(has_option(bytes, dhcp_option::message_type));
    CHECK(has_option(bytes, dhcp_option::client_id));
    CHECK(has_option(bytes, dhcp_option::host_name));
    CHECK(has_option(bytes, dhcp_option::parameter_request_list));

    auto decoded = decode_dhcp(bytes);
    CHECK(decoded.type == DhcpMessageType::request);
    CHECK(decoded.ciaddr == our_address);
    CHECK_FALSE(decoded.requested_ip);
    CHECK_FALSE(decoded.server_id);
    CHECK(decoded.host_name == "b2c");
    CHECK(decoded.parameter_request_list == default_parameter_request_list());
}

TEST_CASE("the selecting DHCPREQUEST keeps its requested address and server id", "[lease][dhcp]")
{
    DhcpMessage offer = ack_for(our_address);
    offer.type = DhcpMessageType::offer;
    auto request = decode_dhcp(encode_dhcp(make_request(1, our_mac, "", offer)));
    CHECK(request.ciaddr == 0);
    CHECK(request.requested_ip == our_address);
    CHECK(request.server_id == server);
}

TEST_CASE("an ACK to a renewal restarts the lease's times from the request", "[lease]")
{
    auto old = sample_lease();
    const auto sent = old.acquired + std::chrono::seconds(1800);
    auto ack = ack_for(our_address);
    ack.renewal_time = 3000;
    auto lease = extended_lease(old, ack, sent);

    CHECK(lease.acquired == sent);
    CHECK(lease.lease_seconds == 7200);
    CHECK(lease.renewal_seconds == 3000);
    CHECK(lease.rebinding_seconds == 6300);
    // Options the ACK left out keep their values: nothing to re-apply.
    CHECK(lease.routers == old.routers);
    CHECK(lease.dns_servers == old.dns_servers);
    CHECK(lease.domain == old.domain);
    CHECK(lease.prefix_length == 24);
    CHECK(lease.interface == "eth0");
    CHECK(lease.mac == our_mac);
    CHECK(same_configuration(old, lease));
}

TEST_CASE("an ACK that changes the address, routers or DNS must be re-applied", "[lease]")
{
    auto old = sample_lease();
    const auto sent = old.acquired;

    auto moved = extended_lease(old, ack_for(0x0a000210), sent);
    CHECK(moved.address == 0x0a000210);
    CHECK(moved.prefix_length == 8);  // no mask in the ACK: the classful one of 10/8
    CHECK_FALSE(same_configuration(old, moved));

    auto ack = ack_for(our_address);
    ack.dns_servers = {0x01010101};
    CHECK_FALSE(same_configuration(old, extended_lease(old, ack, sent)));

    ack = ack_for(our_address);
    ack.routers = {0x0a000201};
    CHECK_FALSE(same_configuration(old, extended_lease(old, ack, sent)));

    ack = ack_for(our_address);
    ack.subnet_mask = 0xffff0000;
    auto wider = extended_lease(old, ack, sent);
    CHECK(wider.prefix_length == 16);
    CHECK_FALSE(same_configuration(old, wider));
}
