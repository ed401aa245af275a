#include "common/console_mode.h"

#include <fcntl.h>
#include <unistd.h>

namespace b2c {

void make_console_blocking()
{
    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
        int flags = fcntl(fd, F_GETFL);
        if (flags >= 0 && (flags & O_NONBLOCK))
            fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    }
}

}  // namespace b2c
