// RAII guards for the run: SIGINT/SIGTERM turned into a readable fd, and the
// terminal settings QEMU changes (-nographic puts a tty in raw mode) put back.
#pragma once

#include <optional>

#include <csignal>

#include <termios.h>

namespace b2c::vm {

// While alive, SIGINT and SIGTERM are caught and reported through fd().
// One instance at a time. The pipe is close-on-exec, and caught signals go
// back to their default action in QEMU after exec.
class SignalWatch {
public:
    SignalWatch();
    ~SignalWatch();
    SignalWatch(const SignalWatch&) = delete;
    SignalWatch& operator=(const SignalWatch&) = delete;

    int fd() const { return read_fd_; }
    // The signal received, or 0. Drains fd().
    int take();

private:
    int read_fd_ = -1;
    int write_fd_ = -1;
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

// Saves stdin's terminal settings (when it is a terminal) and restores them
// when destroyed, also after QEMU was killed before it could.
class TerminalGuard {
public:
    TerminalGuard();
    ~TerminalGuard();
    TerminalGuard(const TerminalGuard&) = delete;
    TerminalGuard& operator=(const TerminalGuard&) = delete;

private:
    std::optional<termios> saved_;
};

}  // namespace b2c::vm
