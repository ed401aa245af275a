// The initrd QEMU loads: the initramfs alone, or followed by the kernel
// modules archive that matches the kernel (mkinitramfs' modules-KVER.cpio.*).
// The kernel unpacks every archive of its initrd in turn; QEMU's -initrd
// takes one file, so the two are concatenated into a temporary file.
#pragma once

#include <optional>
#include <string>

namespace b2c::vm {

// Whether `initramfs` is a core one ("initramfs-core.*", no modules in it).
bool is_core_initramfs(const std::string& initramfs);

// The modules archive of `release` next to `initramfs`: modules-RELEASE.cpio.EXT
// from the same folder, the initramfs' own compression first; nullopt when
// none is there.
std::optional<std::string> modules_next_to(const std::string& initramfs, const std::string& release);

// A temporary file holding `first` then `second`, removed when this goes.
class ConcatenatedInitrd {
public:
    ConcatenatedInitrd(const std::string& first, const std::string& second);
    ~ConcatenatedInitrd();
    ConcatenatedInitrd(const ConcatenatedInitrd&) = delete;
    ConcatenatedInitrd& operator=(const ConcatenatedInitrd&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace b2c::vm
