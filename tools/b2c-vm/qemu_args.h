// Pure functions turning VmOptions into the kernel command line and QEMU's
// argv. No I/O: everything they need is passed in, so they are unit-tested.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tools/b2c-vm/options.h"

namespace b2c::vm {

// COMMAND_LINE_SIZE of x86 and of arm64, with its NUL.
inline constexpr std::size_t kMaxKernelCmdline = 2048;
inline constexpr const char* kWorkdirTag = "b2c-workdir";

// `localhost:PORT/...` and `127.0.0.1:PORT/...` name the host's loopback
// registry, which QEMU's user network shows the guest as 10.0.2.2.
struct ImageRef {
    std::string ref;
    bool insecure_registry = false;  // add --tls-verify=false
};
ImageRef rewrite_loopback_image(const std::string& image);

// The b2c options for --image/--command/--workdir (none without --image).
// `stdin_is_tty` adds -t. Throws UsageError for values the kernel command
// line cannot carry (a double quote, a control character).
std::vector<std::string> trio_b2c_options(const VmOptions& options, bool stdin_is_tty);

// The whole kernel command line. Throws UsageError when longer than the
// kernel accepts.
std::string kernel_cmdline(const VmOptions& options, bool stdin_is_tty);

// QEMU's argv (argv[0] is the binary name) for the guest's architecture
// and `accel` (kvm or tcg).
std::vector<std::string> qemu_argv(const VmOptions& options, Accel accel, const std::string& cmdline);

}  // namespace b2c::vm
