// b2c.wireguard's plan (keys, endpoints, routes) and the generic netlink
// request it becomes, read back attribute by attribute as the kernel reads it.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <linux/wireguard.h>
#include <netinet/in.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cmdline/config.h"
#include "netcfg/wireguard_plan.h"

using namespace b2c::netcfg;
using b2c::cmdline::parse_cidr;
using b2c::cmdline::parse_ipv4;

namespace {

// The base 64 of 32 readable bytes each.
const std::string private_key = "cHJpdmF0ZS1rZXktb2Ytd2cwLWZvci10aGUtdGVzdHM=";
const std::string gateway_key = "cHVibGljLWtleS1vZi10aGUtZ2F0ZXdheS1wZWVyLTE=";
const std::string second_key = "cHVibGljLWtleS1vZi10aGUtc2Vjb25kLXBlZXItMjI=";
const std::string preshared = "cHJlc2hhcmVkLWtleS1vZi1wZWVyLTEtc2VjcmV0LXg=";

std::string bytes_of(const WireguardKey& key)
{
    return {key.begin(), key.end()};
}

b2c::cmdline::WireguardConfig tunnel()
{
    b2c::cmdline::WireguardConfig config;
    config.name = "wg0";
    config.private_key = private_key;
    config.address = parse_cidr("10.99.0.2/24");
    config.listen_port = 51821;
    auto& gateway = config.peers.emplace_back();
    gateway.public_key = gateway_key;
    gateway.preshared_key = preshared;
    gateway.endpoint_host = "gateway.farm";
    gateway.endpoint_port = 51820;
    gateway.allowed_ips = {parse_cidr("10.99.0.0/24"), parse_cidr("10.42.0.0/16")};
    gateway.keepalive_seconds = 25;
    auto& second = config.peers.emplace_back();
    second.public_key = second_key;
    second.allowed_ips = {parse_cidr("10.99.0.3/32"), parse_cidr("10.42.0.0/16"), parse_cidr("10.43.0.0/16")};
    config.routes = {parse_cidr("172.16.0.0/12")};
    return config;
}

std::vector<std::string> strings(const std::vector<b2c::cmdline::Ipv4Cidr>& networks)
{
    std::vector<std::string> out;
    for (const auto& network : networks)
        out.push_back(network.str());
    return out;
}

struct MsgDeleter {
    void operator()(nl_msg* msg) const { nlmsg_free(msg); }
};

}  // namespace

TEST_CASE("wireguard plan: the keys decoded, the endpoint resolved, the peers in order")
{
    auto plan = plan_wireguard(tunnel(), {parse_ipv4("192.168.50.1").host_order, std::nullopt});
    CHECK(plan.name == "wg0");
    CHECK(bytes_of(plan.private_key) == "private-key-of-wg0-for-the-tests");
    CHECK(plan.listen_port == 51821);
    REQUIRE(plan.peers.size() == 2);
    CHECK(bytes_of(plan.peers[0].public_key) == "public-key-of-the-gateway-peer-1");
    REQUIRE(plan.peers[0].preshared_key);
    CHECK(bytes_of(*plan.peers[0].preshared_key) == "preshared-key-of-peer-1-secret-x");
    REQUIRE(plan.peers[0].endpoint);
    CHECK(plan.peers[0].endpoint->address == parse_ipv4("192.168.50.1").host_order);
    CHECK(plan.peers[0].endpoint->port == 51820);
    CHECK(plan.peers[0].keepalive_seconds == 25);
    CHECK_FALSE(plan.peers[1].endpoint);
    CHECK_FALSE(plan.peers[1].preshared_key);
}

TEST_CASE("wireguard plan: the routes are the allowed IPs and route=, once each, but the address's own network")
{
    auto plan = plan_wireguard(tunnel(), {parse_ipv4("192.168.50.1").host_order, std::nullopt});
    // 10.99.0.0/24 and 10.99.0.3/32 are on the interface's own network.
    CHECK(strings(plan.routes) == std::vector<std::string>{"10.42.0.0/16", "10.43.0.0/16", "172.16.0.0/12"});
    CHECK(plan.notes.empty());
    // The allowed IPs themselves are the peers', whole.
    CHECK(strings(plan.peers[1].allowed_ips) ==
          std::vector<std::string>{"10.99.0.3/32", "10.42.0.0/16", "10.43.0.0/16"});
}

TEST_CASE("wireguard plan: no route that would carry the tunnel's own packets into it")
{
    auto config = tunnel();
    config.peers[0].allowed_ips = {parse_cidr("0.0.0.0/0")};
    config.routes = {parse_cidr("192.168.0.0/16"), parse_cidr("172.16.0.0/12")};
    auto plan = plan_wireguard(config, {parse_ipv4("192.168.50.1").host_order, std::nullopt});
    CHECK(strings(plan.routes) == std::vector<std::string>{"10.42.0.0/16", "10.43.0.0/16", "172.16.0.0/12"});
    REQUIRE(plan.notes.size() == 2);
    CHECK(plan.notes[0] == "wg0: no route to 0.0.0.0/0 through the tunnel: it holds the endpoint 192.168.50.1, "
                           "which the tunnel's own packets go to");
    CHECK(plan.notes[1].starts_with("wg0: no route to 192.168.0.0/16 through the tunnel"));
    // The peer still takes every source (its allowed IPs are untouched).
    CHECK(strings(plan.peers[0].allowed_ips) == std::vector<std::string>{"0.0.0.0/0"});
}

TEST_CASE("wireguard plan: a key that is not 32 bytes of base 64 is refused")
{
    auto config = tunnel();
    config.peers[1].public_key = "AAAA";
    CHECK_THROWS_AS(plan_wireguard(config, {std::nullopt, std::nullopt}), std::invalid_argument);
}

TEST_CASE("wireguard request: WG_CMD_SET_DEVICE's attributes, as the kernel parses them")
{
    auto plan = plan_wireguard(tunnel(), {parse_ipv4("192.168.50.1").host_order, std::nullopt});
    std::unique_ptr<nl_msg, MsgDeleter> msg(nlmsg_alloc());
    REQUIRE(genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, 0x1c, 0, NLM_F_REQUEST | NLM_F_ACK, WG_CMD_SET_DEVICE,
                        WG_GENL_VERSION));
    put_wireguard_device(msg.get(), plan);

    nlattr* device[WGDEVICE_A_MAX + 1] = {};
    REQUIRE(genlmsg_parse(nlmsg_hdr(msg.get()), 0, device, WGDEVICE_A_MAX, nullptr) == 0);
    CHECK(std::string(nla_get_string(device[WGDEVICE_A_IFNAME])) == "wg0");
    REQUIRE(nla_len(device[WGDEVICE_A_PRIVATE_KEY]) == 32);
    CHECK(std::memcmp(nla_data(device[WGDEVICE_A_PRIVATE_KEY]), "private-key-of-wg0-for-the-tests", 32) == 0);
    CHECK(nla_get_u16(device[WGDEVICE_A_LISTEN_PORT]) == 51821);
    CHECK(nla_get_u32(device[WGDEVICE_A_FLAGS]) == WGDEVICE_F_REPLACE_PEERS);
    // Nested attributes say so (NLA_F_NESTED), as the kernel's strict parser wants.
    CHECK((device[WGDEVICE_A_PEERS]->nla_type & NLA_F_NESTED) != 0);

    std::vector<nlattr*> peers;
    nlattr* item = nullptr;
    int left = 0;
    nla_for_each_nested(item, device[WGDEVICE_A_PEERS], left) peers.push_back(item);
    REQUIRE(peers.size() == 2);

    nlattr* gateway[WGPEER_A_MAX + 1] = {};
    REQUIRE(nla_parse_nested(gateway, WGPEER_A_MAX, peers[0], nullptr) == 0);
    CHECK(std::memcmp(nla_data(gateway[WGPEER_A_PUBLIC_KEY]), "public-key-of-the-gateway-peer-1", 32) == 0);
    CHECK(std::memcmp(nla_data(gateway[WGPEER_A_PRESHARED_KEY]), "preshared-key-of-peer-1-secret-x", 32) == 0);
    CHECK(nla_get_u32(gateway[WGPEER_A_FLAGS]) == WGPEER_F_REPLACE_ALLOWEDIPS);
    CHECK(nla_get_u16(gateway[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL]) == 25);
    REQUIRE(nla_len(gateway[WGPEER_A_ENDPOINT]) == sizeof(sockaddr_in));
    sockaddr_in endpoint{};
    std::memcpy(&endpoint, nla_data(gateway[WGPEER_A_ENDPOINT]), sizeof endpoint);
    CHECK(endpoint.sin_family == AF_INET);
    CHECK(endpoint.sin_port == htons(51820));  // network order on the wire
    CHECK(endpoint.sin_addr.s_addr == inet_addr("192.168.50.1"));

    std::vector<std::string> allowed;
    nla_for_each_nested(item, gateway[WGPEER_A_ALLOWEDIPS], left)
    {
        nlattr* ip[WGALLOWEDIP_A_MAX + 1] = {};
        REQUIRE(nla_parse_nested(ip, WGALLOWEDIP_A_MAX, item, nullptr) == 0);
        CHECK(nla_get_u16(ip[WGALLOWEDIP_A_FAMILY]) == AF_INET);
        REQUIRE(nla_len(ip[WGALLOWEDIP_A_IPADDR]) == 4);
        char text[INET_ADDRSTRLEN] = {};
        inet_ntop(AF_INET, nla_data(ip[WGALLOWEDIP_A_IPADDR]), text, sizeof text);
        allowed.push_back(std::string(text) + "/" + std::to_string(nla_get_u8(ip[WGALLOWEDIP_A_CIDR_MASK])));
    }
    CHECK(allowed == std::vector<std::string>{"10.99.0.0/24", "10.42.0.0/16"});

    nlattr* second[WGPEER_A_MAX + 1] = {};
    REQUIRE(nla_parse_nested(second, WGPEER_A_MAX, peers[1], nullptr) == 0);
    CHECK_FALSE(second[WGPEER_A_ENDPOINT]);
    CHECK_FALSE(second[WGPEER_A_PRESHARED_KEY]);
    CHECK(nla_get_u16(second[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL]) == 0);
}
