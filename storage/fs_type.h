// File system types: the name of the one an fd is on, and what the boot
// needs to know of a type b2c.filesystem names, in one table.
#pragma once

#include <string>
#include <string_view>

namespace b2c::storage {

// "ext4", "tmpfs", "9p", ... of the file system holding the open `fd`; a
// hexadecimal magic number for a type we do not name, "unknown" when
// fstatfs fails.
std::string file_system_type(int fd);

struct FilesystemKind {
    // Mounted only once the network is up (NFS, CIFS).
    bool needs_network = false;
    // A share, not a block file system: overlayfs cannot put its upper
    // layer there, nor can fscrypt or swap live there (NFS, CIFS, 9p,
    // virtiofs, FUSE). A cache on one is an ext4 image file on it.
    bool shared = false;
};
FilesystemKind kind_of(std::string_view type);

}  // namespace b2c::storage
