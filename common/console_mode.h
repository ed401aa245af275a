// The console we share with the programs we run.
#pragma once

namespace b2c {

// Clears O_NONBLOCK on stdin, stdout and stderr. A child that used our
// console (conmon, a container's shell) can leave the shared file
// description non-blocking; our next log lines would then be dropped with
// EAGAIN whenever the (slow) serial line is busy.
void make_console_blocking();

}  // namespace b2c
