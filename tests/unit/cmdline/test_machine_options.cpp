#include <catch2/catch.hpp>

#include "helpers.h"

using namespace b2c::cmdline;
using namespace b2c::cmdline::test;
using Words = std::vector<std::string>;

TEST_CASE("b2c.insmods")
{
    auto config = parse_config("b2c.insmods=e1000.ko,virtio_net,,nvme.ko");
    CHECK(config.diagnostics.empty());
    CHECK(config.machine.insmods == Words{"e1000", "virtio_net", "nvme"});
    config = parse_config("b2c.insmods=../evil.ko");
    CHECK(config.machine.insmods.empty());
    CHECK(contains(only_error(config), "b2c.insmods: '../evil' is not a module name"));
}

TEST_CASE("b2c.poweroff_delay")
{
    CHECK(parse_config("").machine.poweroff_delay.count() == 0);
    CHECK(parse_config("b2c.poweroff_delay=15").machine.poweroff_delay.count() == 15);
    CHECK(parse_config("b2c.poweroff_delay=0").machine.poweroff_delay.count() == 0);
    for (auto bad : {"-1", "1.5", "10s", "", "99999999999999999999"}) {
        auto config = parse_config(std::string("b2c.poweroff_delay=") + bad);
        CHECK(config.machine.poweroff_delay.count() == 0);
        CHECK(contains(only_error(config), std::string("b2c.poweroff_delay: '") + bad + "' is not a number"));
    }
}

TEST_CASE("b2c.shutdown_cmd and b2c.reboot_cmd run with a shell, as the original's eval does")
{
    // valve-infra's 2021 job template.
    auto config = parse_config(
        R"(b2c.shutdown_cmd="echo JOB_RESULT=$B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE; poweroff -f" b2c.reboot_cmd=reboot)");
    CHECK(config.diagnostics.empty());
    CHECK(config.machine.shutdown_cmd ==
          Words{"sh", "-c", "echo JOB_RESULT=$B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE; poweroff -f"});
    CHECK(config.machine.reboot_cmd == Words{"sh", "-c", "reboot"});
    CHECK_FALSE(parse_config("").machine.shutdown_cmd);

    // The quoting is checked at boot, not when the machine goes down.
    config = parse_config(R"(b2c.reboot_cmd="sh -c 'x")");
    CHECK_FALSE(config.machine.reboot_cmd);
    CHECK(contains(only_error(config), "b2c.reboot_cmd: unterminated single quote"));
    CHECK(contains(only_error(parse_config("b2c.shutdown_cmd=")), "b2c.shutdown_cmd: empty command"));
    CHECK(contains(only_error(parse_config("b2c.shutdown_cmd=\"  \"")), "b2c.shutdown_cmd: empty command"));
    config = parse_config("b2c.shutdown_cmd=" + std::string(2001, 'x'));
    CHECK_FALSE(config.machine.shutdown_cmd);
    CHECK(contains(only_error(config), "b2c.shutdown_cmd: the command is 2001 bytes long"));
}

TEST_CASE("b2c.poweroff_delay: at most a day")
{
    CHECK(parse_config("b2c.poweroff_delay=86400").machine.poweroff_delay.count() == 86400);
    auto config = parse_config("b2c.poweroff_delay=9999999");
    CHECK(config.machine.poweroff_delay.count() == 0);
    CHECK(contains(only_error(config), "b2c.poweroff_delay: 9999999 s is more than a day"));
}
