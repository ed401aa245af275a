#include "init/shutdown.h"

#include <signal.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/console_contract.h"
#include "common/console_mode.h"
#include "common/run_command.h"
#include "init/boot_report.h"

namespace b2c::init {
namespace {

// Gives every process a chance to exit, then kills what is left, reaping as
// we go (we are PID 1: nobody else will).
void stop_all_processes()
{
    kill(-1, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < deadline) {
        pid_t pid = waitpid(-1, nullptr, WNOHANG);
        if (pid < 0)
            return;  // no child left
        if (pid == 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(-1, SIGKILL);
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
}

// Unmounts everything that is not a kernel file system, deepest first, so
// that the cache and volumes are clean on disk.
void unmount_all()
{
    std::ifstream mounts("/proc/self/mounts");
    std::vector<std::string> targets;
    std::string source, target, rest;
    while (mounts >> source >> target && std::getline(mounts, rest))
        targets.push_back(target);
    for (auto it = targets.rbegin(); it != targets.rend(); ++it) {
        const auto& t = *it;
        if (t == "/" || t == "/proc" || t == "/sys" || t == "/dev" || t.rfind("/dev/", 0) == 0 ||
            t.rfind("/sys/", 0) == 0)
            continue;
        if (umount2(t.c_str(), 0) != 0)
            umount2(t.c_str(), MNT_DETACH);
    }
}

void run_custom_command(const std::vector<std::string>& argv, std::vector<std::string> env)
{
    try {
        Command command;
        command.argv = argv;
        command.extra_env = std::move(env);
        command.timeout = std::chrono::seconds(60);
        command.capture_output = false;
        auto result = run_command(command);
        spdlog::warn("'{}' returned {}: finishing the shutdown ourselves", format_command_line(argv), result.exit_code);
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
    }
}

}  // namespace

void end_session(const std::string& problem)
{
    make_console_blocking();
    const auto& report = boot_report();
    if (!problem.empty()) {
        spdlog::error("{}", problem);
        // The pipeline was cut short: its line is printed for it, a failure.
        if (report.progress.load() == static_cast<int>(PipelineProgress::running))
            spdlog::info("{}{}", console_contract::status_line, report.status.load() ? report.status.load() : 1);
    }
    const bool reboot = report.reboot.load() != 0;
    if (reboot) {
        spdlog::info("{}", console_contract::reboot_line);
    } else {
        // The line farms wait for (cmdline.md, "Console contract").
        spdlog::info("{}", console_contract::power_off_line);
        if (int delay = report.poweroff_delay_seconds.load(); delay > 0) {
            spdlog::info("powering off in {} s (b2c.poweroff_delay)", delay);
            std::this_thread::sleep_for(std::chrono::seconds(delay));
        }
    }
    auto custom = words(reboot ? report.reboot_cmd : report.shutdown_cmd);
    if (!custom.empty())
        run_custom_command(custom, words(report.pipeline_env));
    finish_machine(reboot);
}

void finish_machine(bool reboot)
{
    stop_all_processes();
    sync();
    unmount_all();
    sync();
    tcdrain(STDERR_FILENO);
    ::reboot(reboot ? RB_AUTOBOOT : RB_POWER_OFF);
    // reboot(2) does not return for PID 1; if it does, never let init exit
    // (the kernel would panic): wait for ever.
    for (;;)
        pause();
}

}  // namespace b2c::init
