// b2c.wireguard: a tunnel and its peers, the errors that name the option,
// and the keys that stay secret.
#include <catch2/catch.hpp>

#include "helpers.h"

using namespace b2c::cmdline;
using namespace b2c::cmdline::test;

namespace {

// The base 64 of 32 readable bytes each, so a leak is easy to spot.
const std::string private_key = "cHJpdmF0ZS1rZXktb2Ytd2cwLWZvci10aGUtdGVzdHM=";
const std::string peer1 = "cHVibGljLWtleS1vZi10aGUtZ2F0ZXdheS1wZWVyLTE=";
const std::string peer2 = "cHVibGljLWtleS1vZi10aGUtc2Vjb25kLXBlZXItMjI=";
const std::string preshared = "cHJlc2hhcmVkLWtleS1vZi1wZWVyLTEtc2VjcmV0LXg=";

std::string tunnel(const std::string& rest)
{
    return fmt::format("b2c.wireguard=wg0,private_key={},address=10.99.0.2/24,{}", private_key, rest);
}

}  // namespace

TEST_CASE("b2c.wireguard: an interface and its peers, each sub-option after a peer= that peer's")
{
    auto config = parse_config(tunnel(fmt::format("listen_port=51820,route=172.16.0.0/12,peer={},endpoint="
                                                  "gateway.farm:51821,allowed_ips=10.99.0.0/24;10.42.0.0/16,"
                                                  "keepalive=25,preshared_key={},peer={},allowed_ips=10.99.0.3/32",
                                                  peer1, preshared, peer2)));
    CHECK(config.diagnostics.empty());
    REQUIRE(config.network.wireguard.size() == 1);
    const auto& wg = config.network.wireguard[0];
    CHECK(wg.name == "wg0");
    CHECK(wg.private_key == private_key);
    CHECK(wg.address.str() == "10.99.0.2/24");
    CHECK(wg.listen_port == 51820);
    REQUIRE(wg.routes.size() == 1);
    CHECK(wg.routes[0].str() == "172.16.0.0/12");
    REQUIRE(wg.peers.size() == 2);
    CHECK(wg.peers[0].public_key == peer1);
    CHECK(wg.peers[0].endpoint_host == "gateway.farm");
    CHECK(wg.peers[0].endpoint_port == 51821);
    REQUIRE(wg.peers[0].allowed_ips.size() == 2);
    CHECK(wg.peers[0].allowed_ips[1].str() == "10.42.0.0/16");
    CHECK(wg.peers[0].keepalive_seconds == 25);
    CHECK(wg.peers[0].preshared_key == preshared);
    CHECK(wg.peers[1].public_key == peer2);
    CHECK_FALSE(wg.peers[1].endpoint_host);
    CHECK_FALSE(wg.peers[1].preshared_key);
    CHECK(wg.peers[1].keepalive_seconds == 0);
    CHECK(config.options_given == std::vector<std::string>{"b2c.wireguard"});
    CHECK(read_in("b2c.wireguard") == ReadIn::network);
}

TEST_CASE("b2c.wireguard: repeatable, one interface each, never a b2c.iface's name")
{
    auto two = parse_config(tunnel("peer=" + peer1 + ",allowed_ips=10.99.0.0/24") +
                            " b2c.wireguard=wg1,private_key=" + private_key + ",address=10.98.0.2/24,peer=" + peer2 +
                            ",endpoint=192.168.50.1:51820,allowed_ips=10.98.0.0/24");
    CHECK(two.diagnostics.empty());
    REQUIRE(two.network.wireguard.size() == 2);
    CHECK(two.network.wireguard[1].peers[0].endpoint_host == "192.168.50.1");

    auto twice = parse_config(tunnel("peer=" + peer1 + ",allowed_ips=10.99.0.0/24") + " " +
                              tunnel("peer=" + peer2 + ",allowed_ips=10.99.0.0/24"));
    CHECK(twice.network.wireguard.size() == 1);
    CHECK(only_error(twice) == "b2c.wireguard: wg0 is configured twice (expected one b2c.wireguard per interface)");

    auto iface_first = parse_config("b2c.iface=wg0,dhcp " + tunnel("peer=" + peer1 + ",allowed_ips=10.99.0.0/24"));
    CHECK(contains(only_error(iface_first), "wg0 is also a b2c.iface"));
    CHECK(iface_first.network.wireguard.empty());
    auto tunnel_first = parse_config(tunnel("peer=" + peer1 + ",allowed_ips=10.99.0.0/24") + " b2c.iface=wg0,dhcp");
    CHECK(contains(only_error(tunnel_first), "b2c.iface: wg0 is a b2c.wireguard tunnel"));
    CHECK(tunnel_first.network.interfaces.empty());
}

TEST_CASE("b2c.wireguard: what it needs, each error naming the option and what was expected")
{
    auto no_key = parse_config("b2c.wireguard=wg0,address=10.99.0.2/24,peer=" + peer1);
    CHECK(only_error(no_key) == "b2c.wireguard: wg0 has no private_key= (expected the base 64 of its private key, "
                                "what `wg genkey` prints)");
    CHECK(errors(no_key)[0].option == "b2c.wireguard");
    CHECK(no_key.network.wireguard.empty());
    CHECK(contains(only_error(parse_config("b2c.wireguard=wg0,private_key=" + private_key + ",peer=" + peer1)),
                   "wg0 has no address="));
    CHECK(contains(only_error(parse_config(tunnel("listen_port=51820"))), "wg0 has no peer="));
    CHECK(contains(only_error(parse_config(tunnel("endpoint=a:1,peer=" + peer1))),
                   "wg0: endpoint= comes before any peer= (expected peer=PUBLIC_KEY first"));
    CHECK(contains(only_error(parse_config("b2c.wireguard=,private_key=" + private_key)), "is not an interface name"));
    CHECK(contains(only_error(parse_config("b2c.wireguard")), "needs a value"));
}

TEST_CASE("b2c.wireguard: bad keys, addresses, ports, networks and keepalives")
{
    const std::string short_key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";  // 31 bytes
    CHECK(contains(only_error(parse_config("b2c.wireguard=wg0,private_key=" + short_key +
                                           ",address=10.99.0.2/24,"
                                           "peer=" +
                                           peer1)),
                   "wg0: private_key=*** is not the base 64 of a 32-byte key (expected what `wg genkey` prints)"));
    CHECK(contains(only_error(parse_config(tunnel("peer=not-base64"))),
                   "wg0: peer=not-base64 is not the base 64 of a 32-byte key (expected the peer's public key"));
    CHECK(contains(only_error(parse_config(tunnel("peer=" + peer1 + ",peer=" + peer1))), "is given twice"));
    CHECK(contains(only_error(parse_config(tunnel("peer=" + peer1 + ",preshared_key=" + short_key))),
                   "preshared_key=*** is not the base 64 of a 32-byte key (expected what `wg genpsk` prints)"));
    CHECK(contains(only_error(parse_config("b2c.wireguard=wg0,private_key=" + private_key +
                                           ",address=10.99.0.2,"
                                           "peer=" +
                                           peer1)),
                   "wg0: address=10.99.0.2 is not an IPv4 address with a prefix length (expected A.B.C.D/N)"));
    CHECK(contains(only_error(parse_config(tunnel("listen_port=70000,peer=" + peer1))),
                   "wg0: listen_port=70000 is not a port (expected 1 to 65535)"));
    for (const char* endpoint : {"gateway.farm", "gateway.farm:0", ":51820", "gateway.farm:port", "[fd00::1]:51820"})
        CHECK(contains(only_error(parse_config(tunnel("peer=" + peer1 + ",endpoint=" + endpoint))),
                       fmt::format("wg0: endpoint={} is not HOST:PORT", endpoint)));
    CHECK(contains(only_error(parse_config(tunnel("peer=" + peer1 + ",allowed_ips=10.99.0.0/24;10.42.1.1/16"))),
                   "wg0: allowed_ips=10.42.1.1/16 has host bits set (did you mean 10.42.0.0/16?)"));
    CHECK(contains(only_error(parse_config(tunnel("peer=" + peer1 + ",allowed_ips=10.99.0.0"))),
                   "allowed_ips=10.99.0.0 is not a network (expected NET/LEN"));
    CHECK(contains(only_error(parse_config(tunnel("route=10.1.2.3/8,peer=" + peer1))), "did you mean 10.0.0.0/8?"));
    CHECK(contains(only_error(parse_config(tunnel("peer=" + peer1 + ",allowed_ips=10.99.0.0/24,keepalive=-1"))),
                   "wg0: keepalive=-1 is not a number of seconds (expected 0 to 65535"));
}

TEST_CASE("b2c.wireguard: a peer with nothing allowed, an unknown sub-option: warnings")
{
    auto config = parse_config(tunnel("peer=" + peer1 + ",mtu=1280"));
    CHECK_FALSE(config.has_errors());
    REQUIRE(config.network.wireguard.size() == 1);
    auto found = warnings(config);
    REQUIRE(found.size() == 2);
    CHECK(contains(found[0].message, "unknown sub-option 'mtu' ignored"));
    CHECK(contains(found[1].message, "wg0: peer " + peer1 + " has no allowed_ips=, so nothing goes through it"));
}

TEST_CASE("b2c.wireguard: the private and preshared keys are secrets, the public keys are not")
{
    auto config = parse_config(tunnel("peer=" + peer1 + ",preshared_key=" + preshared + ",allowed_ips=10.99.0.0/24"));
    auto secrets = config.secrets();
    CHECK(std::find(secrets.begin(), secrets.end(), private_key) != secrets.end());
    CHECK(std::find(secrets.begin(), secrets.end(), preshared) != secrets.end());
    CHECK(std::find(secrets.begin(), secrets.end(), peer1) == secrets.end());
    auto text = describe(config);
    CHECK(contains(text, "wireguard wg0: address 10.99.0.2/24, private key ***"));
    CHECK(contains(text, "peer " + peer1 + ": allowed 10.99.0.0/24, preshared key ***"));
    CHECK_FALSE(contains(text, private_key));
    CHECK_FALSE(contains(text, preshared));
    // An error in the option shows neither.
    auto bad = parse_config(tunnel("peer=" + peer1 + ",preshared_key=" + preshared + ",allowed_ips=bad"));
    CHECK_FALSE(contains(only_error(bad), private_key));
    CHECK_FALSE(contains(only_error(bad), preshared));
}
