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
#include <vector>

#include <spdlog/spdlog.h>

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

}  // namespace

void finish_machine(FinalAction action, const std::string& reason)
{
    const char* verb = action == FinalAction::reboot ? "Rebooting" : "Powering off";
    spdlog::info("{}: {}", verb, reason);
    stop_all_processes();
    sync();
    unmount_all();
    sync();
    tcdrain(STDERR_FILENO);
    reboot(action == FinalAction::reboot ? RB_AUTOBOOT : RB_POWER_OFF);
    // reboot(2) does not return for PID 1; if it does, never let init exit
    // (the kernel would panic): wait for ever.
    for (;;)
        pause();
}

}  // namespace b2c::init
