// The command line of b2c-vm (Boost.Program_options) and its defaults.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tools/b2c-vm/arch.h"

namespace b2c::vm {

enum class Accel { automatic, kvm, tcg };

struct VmOptions {
    Arch arch = kHostArch;
    std::string kernel;
    std::string initramfs;
    std::string modules = "auto";                // --modules: PATH, auto or none
    std::optional<std::string> modules_archive;  // resolved: loaded after the initramfs
    // A farm's own archives (firmware, modules, job files), in the kernel's
    // order: --initrd-before's, the initramfs and its modules, --initrd-after's.
    std::vector<std::string> initrds_before;
    std::vector<std::string> initrds_after;
    std::string notice;  // resolved: what the user should know (stderr)
    unsigned memory_mib = 2048;
    unsigned cpus = 2;
    Accel accel = Accel::automatic;
    // TCG: one host thread for all vCPUs (single) or one per vCPU (multi).
    // Single, unlike QEMU's default: with multi, QEMU 7.2 may keep running
    // a stale translation of kernel code that another vCPU rewrote (a
    // static key or tracepoint flipped: int3 first, then the new bytes),
    // and the guest loops on an int3 long gone, for good (docs/benchmarks.md,
    // "The cause: a stale int3"). It costs speed: the e2e suite takes 40 min
    // instead of about 30 on these 2-core machines.
    std::string tcg_thread = "single";
    std::vector<std::string> disks;
    std::vector<std::string> appends;      // b2c options, verbatim
    std::vector<std::string> kernel_args;  // raw kernel parameters, verbatim
    std::vector<std::string> qemu_args;    // one QEMU argv word each
    std::string user_net;                  // appended to the user-mode NIC's options
    unsigned timeout_seconds = 0;          // 0: none
    std::optional<std::string> image;
    std::optional<std::string> command;
    std::optional<std::string> workdir;
    bool dry_run = false;
    bool help = false;
};

// Bad usage: the message says what to change. b2c-vm exits with kExitUsage.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses argv. Kernel and initramfs are left empty when not given (see
// resolve_defaults). Throws UsageError.
VmOptions parse_options(int argc, const char* const argv[]);

// Full --help text, exit codes included.
std::string help_text();

// Fills in the default initramfs of the architecture (the core one when it
// is there), the default kernel (the newest vmlinuz-* of the architecture
// next to the initramfs, else in `boot_dir` when it is this machine's
// architecture), the modules archive (--modules auto: the one of the
// kernel's release next to a core initramfs), makes the work dir absolute,
// and checks that the files exist and the kernel is of the architecture.
// `self_dir` is the folder of the b2c-vm binary. Throws UsageError.
void resolve_defaults(VmOptions& options, const std::string& self_dir, const std::string& boot_dir = "/boot");

}  // namespace b2c::vm
