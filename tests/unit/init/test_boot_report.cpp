// The boot report PID 1 ends the session from: the watchdog's deadline, the
// user's shutdown command, the lsblk sizes of the runtime summary.
#include <catch2/catch.hpp>

#include <thread>

#include <fmt/format.h>

#include "init/boot_report.h"
#include "init/runtime_summary.h"

using namespace b2c::init;

TEST_CASE("the watchdog: a step overruns only once its limit has passed")
{
    watch_step("Network", std::chrono::seconds(2));
    auto now = boottime_ms();
    CHECK_FALSE(overrun_step(now));
    auto overrun = overrun_step(now + 2500);
    REQUIRE(overrun);
    CHECK(overrun->first == "Network");
    CHECK(overrun->second == 2);
    // No limit: containers and pulls run as long as they need.
    watch_step("", std::chrono::seconds(0));
    CHECK_FALSE(overrun_step(now + 1000000000));
}

TEST_CASE("the watchdog: a long step name is cut, not overflowed")
{
    watch_step(std::string(1000, 'x'), std::chrono::seconds(1));
    auto overrun = overrun_step(boottime_ms() + 5000);
    REQUIRE(overrun);
    CHECK(overrun->first.size() < sizeof(BootReport{}.watchdog_step));
    watch_step("", std::chrono::seconds(0));
}

TEST_CASE("the session's end: the user's commands go through as words")
{
    report_session_end(true, std::chrono::seconds(15), std::vector<std::string>{"poweroff", "-f", "with space"},
                       std::nullopt);
    const auto& report = boot_report();
    CHECK(report.reboot == 1);
    CHECK(report.poweroff_delay_seconds == 15);
    CHECK(words(report.shutdown_cmd) == std::vector<std::string>{"poweroff", "-f", "with space"});
    CHECK(words(report.reboot_cmd).empty());
    // A command too long for the report loses words, never part of one.
    std::vector<std::string> huge(300, "0123456789");
    report_session_end(false, std::chrono::seconds(0), huge, std::nullopt);
    auto kept = words(boot_report().shutdown_cmd);
    CHECK(kept.size() < huge.size());
    for (const auto& word : kept)
        CHECK(word == "0123456789");
}

TEST_CASE("the session's end: the pipeline's variables, for the user's commands")
{
    report_pipeline_env({"B2C_PIPELINE_STATUS=3", "B2C_PIPELINE_FAILED_BY=" + std::string(3000, 'a'),
                         "B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE=3"});
    // One too long for the report is left out, the others kept.
    CHECK(words(boot_report().pipeline_env) ==
          std::vector<std::string>{"B2C_PIPELINE_STATUS=3", "B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE=3"});
    report_pipeline_env({});
    CHECK(words(boot_report().pipeline_env).empty());
}

TEST_CASE("the runtime summary's sizes are lsblk's")
{
    CHECK(lsblk_size(0) == "0B");
    CHECK(lsblk_size(512) == "512B");
    CHECK(lsblk_size(2ull << 30) == "2G");
    CHECK(lsblk_size(1024ull << 20) == "1G");
    CHECK(lsblk_size(500107862016ull) == "465.8G");
    CHECK(lsblk_size(1536ull << 20) == "1.5G");
    CHECK(lsblk_size((8ull << 30) - 1) == "8G");  // rounds like lsblk
}

TEST_CASE("the runtime summary has the original's six fields, in order")
{
    auto lines = runtime_summary_lines();
    REQUIRE(lines.size() == 6);
    const char* fields[] = {
        "Linux version: ", "Boot2container version: ", "Architecture: ", "CPU: ", "RAM: ", "Block devices: "};
    for (std::size_t i = 0; i < 6; ++i)
        CHECK(lines[i].rfind(fields[i], 0) == 0);
}

// /proc/cpuinfo as each architecture's kernel writes it (trimmed to the
// fields that matter): x86 names its model, arm64 gives numbers only.
TEST_CASE("the runtime summary's CPU is named on x86 and on arm64")
{
    CHECK(cpu_model("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n"
                    "processor\t: 1\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n") ==
          "Intel(R) Xeon(R) CPU @ 2.20GHz");
    // A Raspberry Pi 4.
    const char* a72 =
        "processor\t: 0\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\n"
        "CPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\nCPU revision\t: 3\n\n"
        "processor\t: 1\nBogoMIPS\t: 108.00\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU part\t: 0xd08\n";
    CHECK(cpu_model(a72) == "ARM Cortex-A72");
    // big.LITTLE (an RK3399): each kind once, in the kernel's order.
    std::string rk3399;
    for (const char* part : {"0xd03", "0xd03", "0xd03", "0xd03", "0xd08", "0xd08"})
        rk3399 += fmt::format("processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: {}\n\n", part);
    CHECK(cpu_model(rk3399) == "ARM Cortex-A53 + ARM Cortex-A72");
    // A core this table does not know: its numbers, as the kernel gives them.
    CHECK(cpu_model("processor\t: 0\nCPU implementer\t: 0x00\nCPU part\t: 0x051\n") == "implementer 0x00 part 0x051");
    CHECK(cpu_model("processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xfff\n") == "ARM part 0xfff");
    CHECK(cpu_model("") == "");
}
