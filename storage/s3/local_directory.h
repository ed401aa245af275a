// The local side of a mirror: a directory that containers may change while
// we read, write and delete under it. Every path under it is opened one
// component at a time with O_NOFOLLOW, so no symbolic link a container
// plants (`link -> /`) ever takes a pull's write, a push's read or a
// deletion outside the directory: a link in the way is an error for that
// file alone. (Paths come from object keys and never hold "." or "..":
// download.h's is_safe_relative_path is checked first.)
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/unique_fd.h"

namespace b2c::s3 {

class LocalDirectory {
public:
    // Opens `root` (which may itself be reached through links: it is ours).
    // Throws std::system_error naming it. With `create`, a missing root is made.
    LocalDirectory(std::filesystem::path root, bool create);

    const std::filesystem::path& root() const { return root_; }

    // The directory that holds `relative` ("a/b/c" gives "a/b"), made when
    // missing and `create`. Throws std::system_error naming the path; a
    // symbolic link or a file in the way says so.
    UniqueFd open_parent(std::string_view relative, bool create) const;
    // `relative` opened for reading; a symbolic link anywhere is an error.
    UniqueFd open_file(std::string_view relative) const;
    // Deletes the file `relative` itself (a link is deleted, not followed).
    void remove_file(std::string_view relative) const;

    // The last component of `relative`.
    static std::string_view file_name(std::string_view relative);

private:
    std::filesystem::path root_;
    UniqueFd fd_;
};

}  // namespace b2c::s3
