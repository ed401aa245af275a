// The console as the boot sequence's controlling terminal.
#pragma once

namespace b2c::console {

// Makes the calling process a session leader whose controlling terminal is
// the real device behind /dev/console (e.g. ttyS0), on stdin/stdout/stderr.
// /dev/console itself is a poor controlling tty (no job control), which is
// what busybox's cttyhack works around too. Best effort: on failure the
// process keeps the console it inherited.
void take_console_as_controlling_terminal();

}  // namespace b2c::console
