// How a session ends: the console lines farms wait for, b2c.poweroff_delay,
// the user's b2c.shutdown_cmd / b2c.reboot_cmd, then reboot(2). Carried out
// by PID 1 from the boot report (boot_report.h), whatever happened to the
// boot sequence.
#pragma once

#include <string>

namespace b2c::init {

// The boot sequence's exit code when it ran to its end (the session's
// outcome is in the boot report).
constexpr int kExitSessionOver = 0;

// PID 1 only. `problem` is empty when the boot sequence ended as planned,
// else what went wrong (a crash, the watchdog): it is printed as an error
// and, when the pipeline was running, its status line is printed for it.
// Never returns.
[[noreturn]] void end_session(const std::string& problem);

// PID 1 only: stops every remaining process, syncs, unmounts and calls
// reboot(2). Never returns.
[[noreturn]] void finish_machine(bool reboot);

}  // namespace b2c::init
