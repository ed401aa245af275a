// The initrd QEMU loads: the initramfs alone, or followed by the kernel
// modules archive that matches the kernel (mkinitramfs' modules-KVER.cpio.*),
// with a farm's own archives before or after them (--initrd-before/after).
// The kernel unpacks every archive of its initrd in turn; QEMU's -initrd
// takes one file, so they are concatenated into a temporary file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tools/b2c-vm/options.h"

namespace b2c::vm {

// Whether `initramfs` is a core one ("initramfs-core.*", no modules in it).
bool is_core_initramfs(const std::string& initramfs);

// The modules archive of `release` next to `initramfs`: modules-RELEASE.cpio.EXT
// from the same folder, the initramfs' own compression first; nullopt when
// none is there.
std::optional<std::string> modules_next_to(const std::string& initramfs, const std::string& release);

// The archives of the initrd, in the kernel's order: --initrd-before's, the
// initramfs, its modules archive, --initrd-after's.
std::vector<std::string> initrd_parts(const VmOptions& options);

// A temporary file holding `parts` one after the other, each from a multiple
// of 4 bytes, zeros between (as iPXE lays out its initrds: the kernel finds
// an uncompressed cpio archive only there); removed when this goes.
class ConcatenatedInitrd {
public:
    explicit ConcatenatedInitrd(const std::vector<std::string>& parts);
    ~ConcatenatedInitrd();
    ConcatenatedInitrd(const ConcatenatedInitrd&) = delete;
    ConcatenatedInitrd& operator=(const ConcatenatedInitrd&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace b2c::vm
