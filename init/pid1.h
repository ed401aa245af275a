// PID 1: mounts the basics, starts the boot sequence as a child, reaps every
// orphan, and ends the machine when that child ends. Like tini: signals,
// reaping and exit codes, nothing else.
#pragma once

namespace b2c::init {

[[noreturn]] void pid1_main();

// When pid1_main itself threw: the session ends anyway, the way it can.
[[noreturn]] void end_session_in_distress(const char* what) noexcept;

}  // namespace b2c::init
