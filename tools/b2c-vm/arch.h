// The guest architectures b2c-vm boots, and what QEMU needs to know of each.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace b2c::vm {

// Debian's names, as in initramfs.linux_ARCH.cpio.*.
enum class Arch { amd64, arm64 };

// The architecture b2c-vm itself was built for: KVM runs only its guests.
#if defined(__aarch64__)
inline constexpr Arch kHostArch = Arch::arm64;
#else
inline constexpr Arch kHostArch = Arch::amd64;
#endif

std::string_view arch_name(Arch arch);
std::optional<Arch> parse_arch(std::string_view name);

// The QEMU machine of an architecture, with what its kernel calls the
// serial console.
struct Machine {
    const char* qemu_binary;
    const char* machine_tcg;
    const char* machine_kvm;
    // -cpu max under TCG. On arm64, pauth-impdef=on makes QEMU check pointer
    // authentication codes with its own quick hash instead of emulating
    // QARMA, which a guest cannot tell: Debian's kernel got to its root
    // mount in 3.9 s instead of 15 s on these 2-core machines.
    const char* cpu_tcg;
    const char* console;
};
const Machine& machine_of(Arch arch);

}  // namespace b2c::vm
