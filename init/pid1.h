// PID 1: mounts the basics, starts the boot sequence as a child, reaps every
// orphan, and ends the machine when that child ends. Like tini: signals,
// reaping and exit codes, nothing else.
#pragma once

namespace b2c::init {

[[noreturn]] void pid1_main();

}  // namespace b2c::init
