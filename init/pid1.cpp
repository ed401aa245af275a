#include "init/pid1.h"

#include <signal.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "common/log.h"
#include "init/boot_report.h"
#include "init/boot_sequence.h"
#include "init/console/console.h"
#include "init/early_mounts.h"
#include "init/shutdown.h"

namespace b2c::init {
namespace {

// How the boot sequence ended, as PID 1 sees it: nothing to add when it
// exited as planned, otherwise what went wrong.
std::string what_went_wrong(int wait_status)
{
    if (WIFEXITED(wait_status)) {
        int code = WEXITSTATUS(wait_status);
        if (code == kExitSessionOver)
            return {};
        return fmt::format("the boot sequence exited with the unexpected code {}", code);
    }
    if (WIFSIGNALED(wait_status))
        return fmt::format("the boot sequence crashed ({})", strsignal(WTERMSIG(wait_status)));
    return "the boot sequence ended in an unknown way";
}

// PID 1 is the last process the OOM killer may take: the kernel never
// kills it anyway, but the boot sequence inherits this, and run_command
// gives every program it starts the default back.
void keep_away_from_the_oom_killer()
{
    std::ofstream("/proc/self/oom_score_adj") << "-1000";
}

pid_t start_boot_sequence(const sigset_t& original_mask)
{
    pid_t sequence = fork();
    if (sequence != 0)
        return sequence;
    sigprocmask(SIG_SETMASK, &original_mask, nullptr);
    console::take_console_as_controlling_terminal();
    int code = kExitSessionOver;
    try {
        run_boot_sequence();
    } catch (...) {
        code = 1;  // PID 1 says so and ends the session
    }
    std::fflush(nullptr);
    // Our console is the tty behind /dev/console: let its buffer reach
    // the wire before PID 1 powers the machine off.
    tcdrain(STDERR_FILENO);
    tcdrain(STDOUT_FILENO);
    _exit(code);
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
    keep_away_from_the_oom_killer();
    share_boot_report();

    // SIGCHLD is waited for with a timeout, so that the watchdog is checked
    // every second even when no child ends.
    sigset_t child_signal, original_mask;
    sigemptyset(&child_signal);
    sigaddset(&child_signal, SIGCHLD);
    sigprocmask(SIG_BLOCK, &child_signal, &original_mask);

    pid_t sequence = start_boot_sequence(original_mask);
    if (sequence < 0)
        end_session(fmt::format("cannot start the boot sequence: {}", error_text(errno)));

    // Reap everything; the boot sequence's end is the session's end.
    for (;;) {
        int status = 0;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
            if (pid == sequence)
                end_session(what_went_wrong(status));
        if (pid < 0 && errno == ECHILD)
            end_session("the boot sequence disappeared");
        if (auto overrun = overrun_step(boottime_ms())) {
            // Its whole process group: podman on the console goes too.
            kill(-sequence, SIGKILL);
            kill(sequence, SIGKILL);
            waitpid(sequence, nullptr, 0);
            end_session(fmt::format("the watchdog stopped the boot: '{}' did not finish within {} s", overrun->first,
                                    overrun->second));
        }
        timespec second{1, 0};
        sigtimedwait(&child_signal, nullptr, &second);
    }
}

void end_session_in_distress(const char* what) noexcept
{
    try {
        end_session(fmt::format("PID 1 failed: {}", what));
    } catch (...) {
        ::sync();
        ::reboot(RB_POWER_OFF);
    }
    for (;;)
        pause();
}

}  // namespace b2c::init
