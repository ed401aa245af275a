#include "storage/fs_type.h"

#include <linux/magic.h>
#include <sys/vfs.h>

#include <fmt/format.h>

namespace b2c::storage {

std::string file_system_type(int fd)
{
    struct statfs st {};
    if (::fstatfs(fd, &st) != 0)
        return "unknown";
    switch (static_cast<unsigned long>(st.f_type)) {
    case EXT4_SUPER_MAGIC:  // also ext2 and ext3: one magic for the family
        return "ext4";
    case TMPFS_MAGIC: return "tmpfs";
    case RAMFS_MAGIC: return "ramfs";
    case V9FS_MAGIC: return "9p";
    case NFS_SUPER_MAGIC: return "nfs";
    case OVERLAYFS_SUPER_MAGIC: return "overlay";
    case XFS_SUPER_MAGIC: return "xfs";
    case BTRFS_SUPER_MAGIC: return "btrfs";
    case F2FS_SUPER_MAGIC: return "f2fs";
    case MSDOS_SUPER_MAGIC: return "vfat";
    case FUSE_SUPER_MAGIC: return "fuse";
    default: return fmt::format("type 0x{:x}", static_cast<unsigned long>(st.f_type));
    }
}

FilesystemKind kind_of(std::string_view type)
{
    const bool network = type.starts_with("nfs") || type == "cifs" || type == "smb3";
    return {network, network || type == "9p" || type == "virtiofs" || type.starts_with("fuse")};
}

}  // namespace b2c::storage
