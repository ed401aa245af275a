#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "netcfg/resolv_conf.h"
#include "netcfg/wired_interfaces.h"

using namespace b2c::netcfg;

TEST_CASE("resolv.conf lists the search domain and the servers", "[resolv]")
{
    CHECK(resolv_conf_text({0x0a000203, 0x01010101}, "example.test") == "# Written by boot2container\n"
                                                                        "search example.test\n"
                                                                        "nameserver 10.0.2.3\n"
                                                                        "nameserver 1.1.1.1\n");
    CHECK(resolv_conf_text({}, "") == "# Written by boot2container\n");
}

TEST_CASE("a domain from DHCP cannot inject lines into resolv.conf", "[resolv]")
{
    // A rogue DHCP server's option 15 would put its nameserver first.
    auto text = resolv_conf_text({0x0a000203}, "lan\nnameserver 6.6.6.6");
    CHECK(text == "# Written by boot2container\nnameserver 10.0.2.3\n");
    CHECK(resolv_conf_text({}, "lan nameserver\t6.6.6.6") == "# Written by boot2container\n");
    CHECK(resolv_conf_text({}, "a.example b.example") == "# Written by boot2container\nsearch a.example b.example\n");
}

TEST_CASE("domain names follow RFC 1035's labels", "[resolv]")
{
    for (auto good : {"lan", "example.test", "a-b.c0.example.", "x1", "EXAMPLE.Test", "_srv.example"})
        CHECK(is_valid_domain_name(good));
    std::string long_label(64, 'a');
    std::string long_name;
    for (int i = 0; i < 64; ++i)
        long_name += "abc.";
    for (const std::string& bad : {std::string(""), std::string("lan\nnameserver 6.6.6.6"), std::string("a..b"),
                                   std::string(".lan"), std::string("-lan"), std::string("lan-"), long_label, long_name,
                                   std::string("a b"), std::string("l\x1b[2Jan"), std::string("lan;x")})
        CHECK_FALSE(is_valid_domain_name(bad));
}

TEST_CASE("the kernel's /proc/net/pnp gives the DNS servers", "[resolv]")
{
    const char* pnp = "#PROTO: DHCP\n"
                      "domain example.test\n"
                      "nameserver 10.0.2.3\n"
                      "nameserver 0.0.0.0\n"
                      "nameserver 1.1.1.1\n"
                      "bootserver 10.0.2.2\n";
    CHECK(parse_pnp_nameservers(pnp) == std::vector<std::uint32_t>{0x0a000203, 0x01010101});
    CHECK(parse_pnp_nameservers("").empty());
}

TEST_CASE("wired interfaces are eth* and en*", "[links]")
{
    CHECK(is_wired_interface_name("eth0"));
    CHECK(is_wired_interface_name("enp0s3"));
    CHECK(is_wired_interface_name("ens3"));
    CHECK_FALSE(is_wired_interface_name("lo"));
    CHECK_FALSE(is_wired_interface_name("wlan0"));
    CHECK_FALSE(is_wired_interface_name("docker0"));

    auto dir = std::filesystem::temp_directory_path() / "b2c-unit-sys-class-net";
    std::filesystem::remove_all(dir);
    for (auto name : {"lo", "eth1", "enp0s3", "eth0", "wlan0"})
        std::filesystem::create_directories(dir / name);
    CHECK(list_wired_interfaces(dir) == std::vector<std::string>{"enp0s3", "eth0", "eth1"});
    std::filesystem::remove_all(dir);
    CHECK(list_wired_interfaces(dir).empty());
}
