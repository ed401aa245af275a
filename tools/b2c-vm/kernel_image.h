// What a kernel file is, read from its own bytes: its architecture, so that
// b2c-vm starts the right QEMU, and its release, so that it adds the modules
// archive of that release (modules-RELEASE.cpio.*).
#pragma once

#include <optional>
#include <string>

#include "tools/b2c-vm/arch.h"

namespace b2c::vm {

struct KernelImage {
    Arch arch;
    std::optional<std::string> release;  // "6.1.0-57-arm64"
};

// An x86 bzImage (the setup header's "HdrS"; the release is the version
// string it points to, boot protocol >= 2.00) or an arm64 Image (the magic
// "ARM\x64" at 0x38; the release is that of the "Linux version " banner in
// its clear bytes). nullopt for anything else, a compressed Image.gz too.
std::optional<KernelImage> read_kernel_image(const std::string& path);

// The architecture alone: the header only, not the banner's search.
std::optional<Arch> kernel_arch(const std::string& path);

// The newest `vmlinuz-*` of `dir` (version sort) that is a kernel of
// `arch`, or "" when there is none.
std::string newest_kernel(const std::string& dir, Arch arch);

}  // namespace b2c::vm
