#include "tools/b2c-vm/arch.h"

namespace b2c::vm {

std::string_view arch_name(Arch arch)
{
    return arch == Arch::arm64 ? "arm64" : "amd64";
}

std::optional<Arch> parse_arch(std::string_view name)
{
    if (name == "amd64")
        return Arch::amd64;
    if (name == "arm64")
        return Arch::arm64;
    return std::nullopt;
}

const Machine& machine_of(Arch arch)
{
    static const Machine amd64{"qemu-system-x86_64", "q35", "q35", "max", "ttyS0"};
    // A GIC of the host's version under KVM (the virt machine's default,
    // GICv2, is missing on many arm64 servers).
    static const Machine arm64{"qemu-system-aarch64", "virt", "virt,gic-version=host", "max,pauth-impdef=on",
                               "ttyAMA0"};
    return arch == Arch::arm64 ? arm64 : amd64;
}

}  // namespace b2c::vm
