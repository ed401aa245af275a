#include "storage/s3/temp_file.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <system_error>

#include <fmt/format.h>

namespace b2c::s3 {

TempFile::TempFile(UniqueFd directory, const std::filesystem::path& where) : directory_(std::move(directory))
{
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::uint64_t random = 0;
        if (::getrandom(&random, sizeof random, 0) != sizeof random)
            random ^= static_cast<std::uint64_t>(::getpid()) << 32 | static_cast<std::uint64_t>(attempt);
        name_ = fmt::format(".b2c-mirror-{:012x}", random & 0xffffffffffffull);
        fd_ = UniqueFd(
            ::openat(directory_.get(), name_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (fd_ || errno != EEXIST)
            break;
    }
    if (!fd_)
        throw std::system_error(errno, std::generic_category(), "cannot create a file in " + where.string());
    path_ = where / name_;
}

TempFile::~TempFile()
{
    if (!committed_ && directory_)
        ::unlinkat(directory_.get(), name_.c_str(), 0);
}

void TempFile::write(const char* data, std::size_t size)
{
    while (size > 0) {
        ssize_t n = ::write(fd_.get(), data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw std::system_error(errno, std::generic_category(), "cannot write " + path_.string());
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

void TempFile::commit_as(std::string_view name, const std::function<void(int fd)>& finish)
{
    // Made 0600 while it fills; now the mode any new file would get.
    mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(fd_.get(), 0666 & ~mask) != 0)
        throw std::system_error(errno, std::generic_category(), "cannot set the mode of " + path_.string());
    if (finish)
        finish(fd_.get());
    fd_.reset();
    std::string target(name);
    if (::renameat(directory_.get(), name_.c_str(), directory_.get(), target.c_str()) != 0)
        throw std::system_error(errno, std::generic_category(),
                                "cannot rename a download to " + (path_.parent_path() / target).string());
    committed_ = true;
}

}  // namespace b2c::s3
