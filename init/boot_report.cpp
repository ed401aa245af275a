#include "init/boot_report.h"

#include <sys/mman.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace b2c::init {
namespace {

BootReport local_report;
BootReport* shared_report = nullptr;

void pack(char (&out)[2048], const std::optional<std::vector<std::string>>& argv)
{
    std::memset(out, 0, sizeof out);
    if (!argv)
        return;
    std::size_t at = 0;
    for (const auto& word : *argv) {
        if (at + word.size() + 2 > sizeof out)
            continue;  // the commands are shorter (cmdline/machine_options.cpp); a long variable goes
        std::memcpy(out + at, word.data(), word.size());
        at += word.size() + 1;
    }
}

}  // namespace

BootReport& boot_report()
{
    return shared_report ? *shared_report : local_report;
}

void share_boot_report()
{
    void* memory = ::mmap(nullptr, sizeof(BootReport), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory != MAP_FAILED)
        shared_report = new (memory) BootReport();
}

std::int64_t boottime_ms()
{
    timespec ts{};
    ::clock_gettime(CLOCK_BOOTTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void report_session_end(bool reboot, std::chrono::seconds poweroff_delay,
                        const std::optional<std::vector<std::string>>& shutdown_cmd,
                        const std::optional<std::vector<std::string>>& reboot_cmd)
{
    auto& report = boot_report();
    report.reboot = reboot ? 1 : 0;
    report.poweroff_delay_seconds = static_cast<int>(poweroff_delay.count());
    pack(report.shutdown_cmd, shutdown_cmd);
    pack(report.reboot_cmd, reboot_cmd);
}

void report_session_end(const cmdline::MachineConfig& machine, bool reboot)
{
    report_session_end(reboot, machine.poweroff_delay, machine.shutdown_cmd, machine.reboot_cmd);
}

void report_pipeline(PipelineProgress progress, int status)
{
    auto& report = boot_report();
    report.status = status;
    report.progress = static_cast<int>(progress);
}

void report_pipeline_env(const std::vector<std::string>& env)
{
    pack(boot_report().pipeline_env, env);
}

void watch_step(std::string_view step, std::chrono::seconds limit)
{
    auto& report = boot_report();
    report.watchdog_deadline_ms.store(0);
    if (limit.count() <= 0)
        return;
    auto length = std::min(step.size(), sizeof report.watchdog_step - 1);
    std::memcpy(report.watchdog_step, step.data(), length);
    report.watchdog_step[length] = '\0';
    report.watchdog_limit_seconds = static_cast<int>(limit.count());
    report.watchdog_deadline_ms.store(boottime_ms() + limit.count() * 1000);
}

std::vector<std::string> words(const char (&packed)[2048])
{
    std::vector<std::string> out;
    for (std::size_t at = 0; at < sizeof packed && packed[at]; at += out.back().size() + 1)
        out.emplace_back(packed + at, ::strnlen(packed + at, sizeof packed - at));
    return out;
}

std::optional<std::pair<std::string, int>> overrun_step(std::int64_t now_ms)
{
    const auto& report = boot_report();
    auto deadline = report.watchdog_deadline_ms.load();
    if (deadline == 0 || now_ms < deadline)
        return std::nullopt;
    return std::pair{std::string(report.watchdog_step, ::strnlen(report.watchdog_step, sizeof report.watchdog_step)),
                     report.watchdog_limit_seconds.load()};
}

}  // namespace b2c::init
