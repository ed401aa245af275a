// The name of a file system's type, for error messages a person can act on.
#pragma once

#include <string>

namespace b2c::storage {

// "ext4", "tmpfs", "9p", ... of the file system holding the open `fd`; a
// hexadecimal magic number for a type we do not name, "unknown" when
// fstatfs fails.
std::string file_system_type(int fd);

}  // namespace b2c::storage
