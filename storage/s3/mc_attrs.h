// File attributes kept in object metadata for `preserve`, in MinIO mc's
// format so that mc and we read each other's objects. mc writes
// (pkg/disk/stat_linux.go) the header X-Amz-Meta-Mc-Attrs as
//   atime:SEC#NSEC/gid:N[/gname:NAME]/mode:ST_MODE/mtime:SEC#NSEC/uid:N[/uname:NAME]
// with st_mode in decimal (type bits included) and names only when known.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace b2c::s3 {

inline constexpr std::string_view mc_attrs_header = "X-Amz-Meta-Mc-Attrs";

struct FileTime {
    std::int64_t seconds = 0;
    long nanoseconds = 0;
    bool operator==(const FileTime&) const = default;
};

struct FileAttributes {
    std::optional<FileTime> atime, mtime;
    std::optional<unsigned> uid, gid;
    std::optional<unsigned> mode;  // st_mode
    std::string uname, gname;      // empty: unknown
    bool operator==(const FileAttributes&) const = default;
};

std::string format_mc_attrs(const FileAttributes& attributes);

// Unknown fields are ignored, malformed ones left unset (mc does the same).
FileAttributes parse_mc_attrs(std::string_view text);

// The attributes of a stat() result, user and group names looked up.
FileAttributes attributes_of(const struct stat& st);

// Sets the mode and times of the open file `fd`, and its owner when we are
// root. The mode keeps its permission bits only: a setuid, setgid or sticky
// bit from an object's metadata is never set. Throws std::system_error
// naming the file (`name`) when the mode or times cannot be set.
void apply_attributes(int fd, const std::string& name, const FileAttributes& attributes);

}  // namespace b2c::s3
