#include "init/pid1.h"

#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <spdlog/spdlog.h>

#include "common/log.h"
#include "init/boot_sequence.h"
#include "init/console.h"
#include "init/early_mounts.h"
#include "init/shutdown.h"

namespace b2c::init {
namespace {

// Why the boot sequence ended, as PID 1 sees it.
void decide_from_status(int wait_status, FinalAction& action, std::string& reason)
{
    action = FinalAction::power_off;
    if (WIFEXITED(wait_status)) {
        int code = WEXITSTATUS(wait_status);
        if (code == kExitReboot) {
            action = FinalAction::reboot;
            reason = "the pipeline asked for a reboot";
        } else if (code == kExitPowerOff) {
            reason = "the boot is over";
        } else {
            reason = fmt::format("the boot sequence exited with the unexpected code {}", code);
        }
    } else if (WIFSIGNALED(wait_status)) {
        reason = fmt::format("the boot sequence crashed ({})", strsignal(WTERMSIG(wait_status)));
    } else {
        reason = "the boot sequence ended in an unknown way";
    }
}

}  // namespace

void pid1_main()
{
    auto mount_errors = mount_early_filesystems();
    setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
    setenv("HOME", "/root", 1);
    setenv("TERM", "linux", 0);
    setup_logging();
    spdlog::info("b2c-init {} started as PID 1", B2C_VERSION);
    for (const auto& error : mount_errors)
        spdlog::error("{}", error);

    pid_t sequence = fork();
    if (sequence == 0) {
        take_console_as_controlling_terminal();
        int code = kExitPowerOff;
        try {
            code = run_boot_sequence();
        } catch (...) {
            code = 1;
        }
        std::fflush(nullptr);
        // Our console is the tty behind /dev/console: let its buffer reach
        // the wire before PID 1 powers the machine off.
        tcdrain(STDERR_FILENO);
        tcdrain(STDOUT_FILENO);
        _exit(code);
    }
    if (sequence < 0)
        finish_machine(FinalAction::power_off,
                       fmt::format("cannot start the boot sequence: {}", std::strerror(errno)));

    // Reap everything; the boot sequence's end is the machine's end.
    for (;;) {
        int status = 0;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid == sequence) {
            FinalAction action;
            std::string reason;
            decide_from_status(status, action, reason);
            finish_machine(action, reason);
        }
        if (pid < 0 && errno == ECHILD)
            finish_machine(FinalAction::power_off, "the boot sequence disappeared");
    }
}

}  // namespace b2c::init
