// Kernel modules, loaded with libkmod: every device's modalias, the modules
// the user named (b2c.insmods), and the kernel's on-demand requests (b2c-init
// is also /sbin/modprobe inside the initramfs). They are looked for in every
// modules folder of the running kernel (module_dirs): ours, and the one a
// farm's own archive added to the initrd.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

struct kmod_ctx;

namespace b2c::init {

// The running kernel's release (uname -r): the folders' name.
std::string kernel_release();

// The folders holding modules of kernel `release` under `root`, each with its
// own index (modules.dep.bin or modules.dep): lib/modules/RELEASE (where our
// modules archive puts them), then usr/lib/modules/RELEASE (where an archive
// made on a merged-/usr system puts them: a farm's, added to the initrd before
// or after ours). A folder reached by both paths (a link) counts once.
std::vector<std::string> module_dirs(const std::string& release, const std::string& root = "/");

class ModuleLoader {
public:
    // One libkmod context per folder of `dirs`, searched in that order.
    // Throws std::runtime_error when `dirs` is empty.
    explicit ModuleLoader(const std::vector<std::string>& dirs = module_dirs(kernel_release()));
    ModuleLoader(const ModuleLoader&) = delete;
    ModuleLoader& operator=(const ModuleLoader&) = delete;

    // Loads `name_or_alias` and its dependencies, from the first folder whose
    // index knows it (a module's dependencies must be in its own folder). A
    // module built into the kernel counts as loaded. Says why when nothing
    // matches or loading fails.
    Result<void> load(const std::string& name_or_alias);

    // Loads the drivers of every device in /sys, again and again until no new
    // device appears (a bus driver reveals the devices behind it). Returns the
    // number of modaliases that matched a module. The CPU's modaliases are
    // left out (see is_device_modalias).
    int load_drivers_for_all_devices();

private:
    struct Unref {
        void operator()(::kmod_ctx* ctx) const;
    };
    std::vector<std::unique_ptr<::kmod_ctx, Unref>> contexts_;
};

// Whether a modalias from /sys names a device whose driver the modules phase
// loads. Not the CPU's ("cpu:type:x86,...:feature:..."): what matches it are
// accelerated crypto and checksums (aesni_intel, crc32c_intel), not drivers;
// the kernel asks for them when it needs them, and under QEMU's TCG
// aesni_intel alone took 5.4 s to load (its self-tests of AVX code).
bool is_device_modalias(const std::string& modalias);

// What to say when the initramfs holds no modules for kernel `release` under
// `root` (no module_dirs; nullopt when it does). A core initramfs booted without
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
