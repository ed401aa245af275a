// The boot sequence, run by PID 1's child: parse, modules, storage,
// network, pipeline, and the decision of how the machine ends. The only
// place that knows the order of the phases (shared/spec/cmdline.md,
// "Order of a boot").
#pragma once

namespace b2c::init {

// Runs the whole boot. How the session must end (reboot or power off, the
// delay, the user's command) goes into the boot report for PID 1, which
// prints the last lines and ends the machine. Catches everything it can.
void run_boot_sequence();

}  // namespace b2c::init
