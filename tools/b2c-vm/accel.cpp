#include "tools/b2c-vm/accel.h"

#include <fcntl.h>
#include <unistd.h>

namespace b2c::vm {

bool kvm_device_usable()
{
    int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    ::close(fd);
    return true;
}

std::vector<Attempt> plan_attempts(Accel requested, bool kvm_usable)
{
    switch (requested) {
    case Accel::kvm: return {{Accel::kvm, false}};
    case Accel::tcg: return {{Accel::tcg, false}};
    case Accel::automatic: break;
    }
    if (kvm_usable)
        return {{Accel::kvm, true}, {Accel::tcg, false}};
    return {{Accel::tcg, false}};
}

}  // namespace b2c::vm
