#include "tools/b2c-vm/signals.h"

#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace b2c::vm {
namespace {

int g_signal_write_fd = -1;

extern "C" void on_signal(int signal)
{
    int saved_errno = errno;
    unsigned char byte = static_cast<unsigned char>(signal);
    [[maybe_unused]] auto written = ::write(g_signal_write_fd, &byte, 1);
    errno = saved_errno;
}

}  // namespace

SignalWatch::SignalWatch()
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
        throw std::system_error(errno, std::generic_category(), "cannot create a pipe");
    read_fd_ = fds[0];
    write_fd_ = fds[1];
    g_signal_write_fd = write_fd_;
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
}

SignalWatch::~SignalWatch()
{
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    g_signal_write_fd = -1;
    ::close(read_fd_);
    ::close(write_fd_);
}

int SignalWatch::take()
{
    int signal = 0;
    unsigned char byte;
    while (::read(read_fd_, &byte, 1) == 1)
        signal = byte;
    return signal;
}

TerminalGuard::TerminalGuard()
{
    termios settings{};
    if (::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &settings) == 0)
        saved_ = settings;
}

TerminalGuard::~TerminalGuard()
{
    if (saved_)
        ::tcsetattr(STDIN_FILENO, TCSANOW, &*saved_);
}

}  // namespace b2c::vm
