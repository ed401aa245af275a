#include <catch2/catch.hpp>

#include "helpers.h"

using namespace b2c::cmdline;
using namespace b2c::cmdline::test;

TEST_CASE("network defaults")
{
    auto config = parse_config("quiet");
    CHECK(config.network.interfaces.empty());
    CHECK_FALSE(config.network.kernel_configured);
    CHECK(config.network.hostname == "boot2container");
    CHECK_FALSE(config.network.ntp_peer);
    CHECK_FALSE(config.machine.keymap);
    CHECK_FALSE(config.network.extra_args_url);
    CHECK(config.diagnostics.empty());
    CHECK(config.options_given.empty());
}

TEST_CASE("b2c.iface: the examples of the spec")
{
    auto config = parse_config("b2c.iface=eth0,dhcp,forward,nameserver=9.9.9.9 b2c.iface=eth1,address=192.168.42.1/24");
    CHECK(config.diagnostics.empty());
    REQUIRE(config.network.interfaces.size() == 2);
    const auto& eth0 = config.network.interfaces[0];
    CHECK(eth0.name == "eth0");
    CHECK(eth0.dhcp);
    CHECK(eth0.forward);
    REQUIRE(eth0.nameservers.size() == 1);
    CHECK(eth0.nameservers[0].str() == "9.9.9.9");
    CHECK_FALSE(eth0.address);
    const auto& eth1 = config.network.interfaces[1];
    CHECK_FALSE(eth1.dhcp);
    REQUIRE(eth1.address);
    CHECK(eth1.address->str() == "192.168.42.1/24");
}

TEST_CASE("b2c.iface: static address, gateway, routes, name servers")
{
    auto config = parse_config("b2c.iface=enp0s3,address=10.0.2.15/24,gateway=10.0.2.2,"
                               "route=10.1.0.0/16:10.0.2.254,route=0.0.0.0/0:10.0.2.1,"
                               "nameserver=1.1.1.1,nameserver=\"9.9.9.9\"");
    CHECK(config.diagnostics.empty());
    REQUIRE(config.network.interfaces.size() == 1);
    const auto& iface = config.network.interfaces[0];
    CHECK(iface.gateway == parse_ipv4("10.0.2.2"));
    REQUIRE(iface.routes.size() == 2);
    CHECK(iface.routes[0] == Route{parse_cidr("10.1.0.0/16"), parse_ipv4("10.0.2.254")});
    CHECK(iface.routes[1].destination.prefix_length == 0);
    REQUIRE(iface.nameservers.size() == 2);
    CHECK(iface.nameservers[1].str() == "9.9.9.9");
}

TEST_CASE("b2c.iface: auto is dhcp")
{
    auto config = parse_config("b2c.iface=eth0,auto");
    REQUIRE(config.network.interfaces.size() == 1);
    CHECK(config.network.interfaces[0].dhcp);
}

TEST_CASE("b2c.iface: a bad address names the option, the value and what was expected")
{
    auto config = parse_config("b2c.iface=eth0,address=10.0.2.300/24");
    CHECK(config.network.interfaces.empty());
    CHECK(only_error(config) ==
          "b2c.iface: address=10.0.2.300/24 is not an IPv4 address with a prefix length (expected A.B.C.D/N)");
    CHECK(errors(config)[0].option == "b2c.iface");

    config = parse_config("b2c.iface=eth0,address=10.0.2.15");
    CHECK(contains(only_error(config), "address=10.0.2.15 is not"));
}

TEST_CASE("b2c.iface: bad gateway, name server and routes")
{
    auto config = parse_config("b2c.iface=eth0,dhcp,gateway=10.0.2");
    CHECK(only_error(config) == "b2c.iface: gateway=10.0.2 is not an IPv4 address (expected A.B.C.D)");
    config = parse_config("b2c.iface=eth0,dhcp,nameserver=dns.example");
    CHECK(contains(only_error(config), "nameserver=dns.example is not an IPv4 address"));
    config = parse_config("b2c.iface=eth0,dhcp,route=10.1.0.0/16");
    CHECK(contains(only_error(config), "route=10.1.0.0/16 is not a route (expected route=NET/LEN:GATEWAY"));
    config = parse_config("b2c.iface=eth0,dhcp,route=10.1.0.0:10.0.0.1");
    CHECK(contains(only_error(config), "route=10.1.0.0:10.0.0.1 is not a route"));
    config = parse_config("b2c.iface=eth0,dhcp,route=10.1.2.3/16:10.0.0.1");
    CHECK(contains(only_error(config), "did you mean 10.1.0.0/16?"));
    CHECK(config.network.interfaces.empty());
}

TEST_CASE("b2c.iface: needs dhcp or address")
{
    auto config = parse_config("b2c.iface=eth0,forward");
    CHECK(config.network.interfaces.empty());
    CHECK(contains(only_error(config), "b2c.iface: eth0 has neither dhcp nor address="));
    config = parse_config("b2c.iface=eth0,dhcp,address=10.0.0.1/8");
    CHECK(contains(only_error(config), "both dhcp and address="));
}

TEST_CASE("b2c.iface: bad names, flags with values, values missing, duplicates")
{
    CHECK(contains(only_error(parse_config("b2c.iface=,dhcp")), "is not an interface name"));
    CHECK(contains(only_error(parse_config("b2c.iface=averyveryverylongname,dhcp")), "averyveryverylongname"));
    CHECK(contains(only_error(parse_config("b2c.iface=eth0,dhcp=yes")), "dhcp is a flag"));
    CHECK(contains(only_error(parse_config("b2c.iface=eth0,dhcp,gateway")), "gateway= needs a value"));
    auto config = parse_config("b2c.iface=eth0,dhcp b2c.iface=eth0,address=10.0.0.1/8");
    CHECK(config.network.interfaces.size() == 1);
    CHECK(contains(only_error(config), "eth0 is configured twice"));
}

TEST_CASE("b2c.iface: unknown sub-option is a warning naming it")
{
    auto config = parse_config("b2c.iface=eth0,dhcp,mtu=9000");
    CHECK_FALSE(config.has_errors());
    CHECK(config.network.interfaces.size() == 1);
    CHECK(contains(only_warning(config), "b2c.iface"));
    CHECK(contains(only_warning(config), "'mtu'"));
    CHECK(warnings(config)[0].option == "b2c.iface");
}

TEST_CASE("kernel ip= means the kernel configured the network")
{
    CHECK(parse_config("ip=dhcp").network.kernel_configured);
    CHECK(parse_config("ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off").network.kernel_configured);
    CHECK_FALSE(parse_config("ip=off").network.kernel_configured);
    CHECK(parse_config("ip=dhcp").options_given.empty());
}

TEST_CASE("b2c.hostname")
{
    CHECK(parse_config("b2c.hostname=ntop").network.hostname == "ntop");
    CHECK(parse_config("b2c.hostname=web-1.example.org").network.hostname == "web-1.example.org");
    for (auto bad :
         {"b2c.hostname=web_1", "b2c.hostname=a..b", "b2c.hostname=.a", "b2c.hostname=", "b2c.hostname=a/b"}) {
        auto config = parse_config(bad);
        CHECK(config.network.hostname == "boot2container");
        CHECK(contains(only_error(config), "b2c.hostname"));
    }
    CHECK(contains(only_error(parse_config("b2c.hostname=web_1")), "'web_1' is not a host name (expected"));
    CHECK(parse_config("b2c.hostname=" + std::string(63, 'a')).diagnostics.empty());
    CHECK(parse_config("b2c.hostname=" + std::string(64, 'a')).has_errors());
    CHECK(parse_config("b2c.hostname=" + std::string(40, 'a') + "." + std::string(30, 'b')).has_errors());
}

TEST_CASE("b2c.ntp_peer")
{
    CHECK_FALSE(parse_config("b2c.ntp_peer=none").network.ntp_peer);
    CHECK(parse_config("b2c.ntp_peer=auto").network.ntp_peer == "pool.ntp.org");
    CHECK(parse_config("b2c.ntp_peer=0.fr.pool.ntp.org").network.ntp_peer == "0.fr.pool.ntp.org");
    CHECK(parse_config("b2c.ntp_peer=192.168.1.1").network.ntp_peer == "192.168.1.1");
    CHECK_FALSE(parse_config("b2c.ntp_peer=auto b2c.ntp_peer=none").network.ntp_peer);
    CHECK(contains(only_error(parse_config("b2c.ntp_peer=a_b")),
                   "b2c.ntp_peer: 'a_b' is not a peer (expected none, auto"));
    CHECK(contains(only_error(parse_config("b2c.ntp_peer=:123")), "b2c.ntp_peer: ':123' is not a peer"));
}

TEST_CASE("b2c.ntp_peer with a port")
{
    CHECK(parse_config("b2c.ntp_peer=10.0.2.2:12345").network.ntp_peer == "10.0.2.2:12345");
    CHECK(parse_config("b2c.ntp_peer=time.example:1").network.ntp_peer == "time.example:1");
    CHECK(parse_config("b2c.ntp_peer=time.example:65535").network.ntp_peer == "time.example:65535");
    CHECK(parse_config("b2c.ntp_peer=10.0.2.2:123").diagnostics.empty());
    for (const char* port : {"0", "65536", "99999", "", "b", "12a", "-1", "+5", "000001"}) {
        auto value = fmt::format("a:{}", port);
        auto config = parse_config(fmt::format("b2c.ntp_peer={}", value));
        CAPTURE(value);
        CHECK_FALSE(config.network.ntp_peer);
        CHECK(contains(only_error(config),
                       fmt::format("b2c.ntp_peer: '{}' has a bad port '{}' (expected HOST:PORT with PORT from 1 "
                                   "to 65535)",
                                   value, port)));
    }
    CHECK(contains(only_error(parse_config("b2c.ntp_peer=a:b:1")), "'a:b:1' is not a peer"));
}

TEST_CASE("b2c.keymap")
{
    CHECK(parse_config("b2c.keymap=fr").machine.keymap == "fr");
    CHECK(parse_config("b2c.keymap=de-latin1").machine.keymap == "de-latin1");
    CHECK(contains(only_error(parse_config("b2c.keymap=../etc")), "b2c.keymap: '../etc' is not a keymap"));
    CHECK(contains(only_error(parse_config("b2c.keymap")), "b2c.keymap: needs a value (expected b2c.keymap=NAME)"));
}

TEST_CASE("b2c.extra_args_url")
{
    CHECK(parse_config("b2c.extra_args_url=https://ci.example/args").network.extra_args_url ==
          "https://ci.example/args");
    CHECK(parse_config("b2c.extra_args_url=http://10.0.0.1:8000/a").network.extra_args_url);
    for (auto bad : {"ftp://x/y", "https://", "/etc/args", "http:///x"}) {
        auto config = parse_config(std::string("b2c.extra_args_url=") + bad);
        CHECK_FALSE(config.network.extra_args_url);
        CHECK(contains(only_error(config), bad));
        CHECK(contains(only_error(config), "http:// or https://"));
    }
}
