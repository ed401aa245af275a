// The boot sequence, run by PID 1's child: the phases of boot_phases.h in
// their order, then the pipeline. How the session must end goes into the
// boot report for PID 1.
#pragma once

namespace b2c::init {

// Runs the whole boot. Catches everything it can.
void run_boot_sequence();

}  // namespace b2c::init
