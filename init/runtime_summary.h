// The short description of the machine printed at the start of every boot.
#pragma once

namespace b2c::init {

// Logs kernel, our version, architecture, CPU, RAM and block devices.
void log_runtime_summary();

}  // namespace b2c::init
