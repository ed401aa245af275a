// Which accelerators to try, and in what order.
#pragma once

#include <chrono>
#include <vector>

#include "tools/b2c-vm/options.h"

namespace b2c::vm {

// With --accel auto, KVM must show the guest's first kernel or init line
// within this time, else QEMU is stopped and restarted with TCG. On a
// healthy KVM the kernel reaches our init in about a second; a KVM that
// accepts the VM but never runs it only ever shows the firmware's banner.
inline constexpr std::chrono::seconds kKvmProbeTimeout{10};

// /dev/kvm opens read-write.
bool kvm_device_usable();

struct Attempt {
    Accel accel;
    bool probe;  // give up (and go on to the next attempt) if the guest shows no life
};

// The attempts for `requested`: auto with a usable /dev/kvm is a probed KVM
// run then TCG; auto without is TCG; kvm and tcg are just that.
std::vector<Attempt> plan_attempts(Accel requested, bool kvm_usable);

}  // namespace b2c::vm
