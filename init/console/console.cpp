#include "init/console/console.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include <spdlog/spdlog.h>

namespace b2c::console {
namespace {

// The last device of /sys/class/tty/console/active is /dev/console's.
std::string console_device()
{
    std::ifstream active("/sys/class/tty/console/active");
    std::string word, last;
    while (active >> word)
        last = word;
    return last.empty() ? "console" : last;
}

}  // namespace

void take_console_as_controlling_terminal()
{
    setsid();
    auto path = "/dev/" + console_device();
    int fd = open(path.c_str(), O_RDWR | O_NOCTTY);
    if (fd < 0) {
        spdlog::warn("cannot open {}: interactive containers get no job control", path);
        return;
    }
    if (ioctl(fd, TIOCSCTTY, 1) != 0)
        spdlog::warn("cannot make {} the controlling terminal", path);
    for (int target = 0; target <= 2; ++target)
        dup2(fd, target);
    if (fd > 2)
        close(fd);
}

}  // namespace b2c::console
