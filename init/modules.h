// Kernel modules, loaded with libkmod: every device's modalias, the modules
// the user named (b2c.insmods), and the kernel's on-demand requests (b2c-init
// is also /sbin/modprobe inside the initramfs).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

struct kmod_ctx;

namespace b2c::init {

class ModuleLoader {
public:
    ModuleLoader();  // throws std::runtime_error without a module index
    ~ModuleLoader();
    ModuleLoader(const ModuleLoader&) = delete;
    ModuleLoader& operator=(const ModuleLoader&) = delete;

    // Loads `name_or_alias` and its dependencies. A module built into the
    // kernel counts as loaded. Says why when nothing matches or loading fails.
    Result<void> load(const std::string& name_or_alias);

    // Loads the drivers of every device in /sys, again and again until no new
    // device appears (a bus driver reveals the devices behind it). Returns the
    // number of modaliases that matched a module. The CPU's modaliases are
    // left out (see is_device_modalias).
    int load_drivers_for_all_devices();

private:
    ::kmod_ctx* ctx_;
};

// Whether a modalias from /sys names a device whose driver the modules phase
// loads. Not the CPU's ("cpu:type:x86,...:feature:..."): what matches it are
// accelerated crypto and checksums (aesni_intel, crc32c_intel), not drivers;
// the kernel asks for them when it needs them, and under QEMU's TCG
// aesni_intel alone took 5.4 s to load (its self-tests of AVX code).
bool is_device_modalias(const std::string& modalias);

// The running kernel's release (uname -r): the folder libkmod reads.
std::string kernel_release();

// What to say when the initramfs holds no modules for kernel `release` under
// `root`/lib/modules (nullopt when it does). A core initramfs booted without
// its modules-KVER archive has none: fine for a kernel with its drivers built
// in (a notice), a mistake when the modules of another kernel are there. A
// kernel built without module support (no `root`/proc/modules) loads none
// whatever the initramfs holds: a notice that says so.
struct MissingModules {
    bool other_kernels;  // modules of other kernels are there: likely a mismatch
    std::string message;
};
std::optional<MissingModules> missing_modules(const std::string& release, const std::string& root = "/");

// Entry point when b2c-init runs as `modprobe [-q] [--] NAME...`.
int modprobe_main(int argc, char** argv);

}  // namespace b2c::init
