// How a boot ends: power off or reboot, decided by the boot sequence and
// carried out by PID 1 with reboot(2).
#pragma once

#include <string>

namespace b2c::init {

enum class FinalAction { power_off, reboot };

// The boot sequence's exit code tells PID 1 what to do.
constexpr int kExitPowerOff = 0;
constexpr int kExitReboot = 10;

// PID 1 only: stops every remaining process, syncs, unmounts and calls
// reboot(2). Never returns.
[[noreturn]] void finish_machine(FinalAction action, const std::string& reason);

}  // namespace b2c::init
