#include "storage/s3/local_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace b2c::s3 {
namespace {

std::system_error error_at(int error, const std::filesystem::path& root, std::string_view relative,
                           std::string_view what)
{
    // ELOOP (O_NOFOLLOW on the last part) and ENOTDIR (on a directory part)
    // are what a planted link gives: say it plainly.
    if (error == ELOOP || error == ENOTDIR)
        return std::system_error(error, std::generic_category(),
                                 std::string(what) + " " + (root / relative).string() +
                                     ": a symbolic link or a file is in the way (never followed)");
    return std::system_error(error, std::generic_category(), std::string(what) + " " + (root / relative).string());
}

}  // namespace

LocalDirectory::LocalDirectory(std::filesystem::path root, bool create) : root_(std::move(root))
{
    if (create) {
        std::error_code ignored;
        std::filesystem::create_directories(root_, ignored);
    }
    fd_ = UniqueFd(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd_)
        throw std::system_error(errno, std::generic_category(), "cannot open the directory " + root_.string());
}

std::string_view LocalDirectory::file_name(std::string_view relative)
{
    auto slash = relative.rfind('/');
    return slash == std::string_view::npos ? relative : relative.substr(slash + 1);
}

UniqueFd LocalDirectory::open_parent(std::string_view relative, bool create) const
{
    UniqueFd dir(::dup(fd_.get()));
    if (!dir)
        throw std::system_error(errno, std::generic_category(), "cannot open " + root_.string());
    std::size_t start = 0;
    for (auto slash = relative.find('/'); slash != std::string_view::npos; slash = relative.find('/', start)) {
        std::string part(relative.substr(start, slash - start));
        if (create && ::mkdirat(dir.get(), part.c_str(), 0777) != 0 && errno != EEXIST)
            throw error_at(errno, root_, relative.substr(0, slash), "cannot make the directory");
        UniqueFd next(::openat(dir.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!next)
            throw error_at(errno, root_, relative.substr(0, slash), "cannot open the directory");
        dir = std::move(next);
        start = slash + 1;
    }
    return dir;
}

UniqueFd LocalDirectory::open_file(std::string_view relative) const
{
    auto dir = open_parent(relative, false);
    std::string name(file_name(relative));
    UniqueFd file(::openat(dir.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!file)
        throw error_at(errno, root_, relative, "cannot open");
    return file;
}

void LocalDirectory::remove_file(std::string_view relative) const
{
    auto dir = open_parent(relative, false);
    std::string name(file_name(relative));
    if (::unlinkat(dir.get(), name.c_str(), 0) != 0)
        throw error_at(errno, root_, relative, "cannot remove");
}

}  // namespace b2c::s3
