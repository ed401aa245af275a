// The boot sequence, run by PID 1's child: parse, modules, storage,
// network, pipeline, and the decision of how the machine ends. The only
// place that knows the order of the phases (shared/spec/cmdline.md,
// "Order of a boot").
#pragma once

namespace b2c::init {

// Runs the whole boot and returns the exit code PID 1 understands
// (kExitPowerOff or kExitReboot). Catches everything it can.
int run_boot_sequence();

}  // namespace b2c::init
