#include "storage/s3/temp_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace b2c::s3 {

TempFile::TempFile(const std::filesystem::path& directory)
{
    std::filesystem::create_directories(directory);
    std::string name = (directory / ".b2c-mirror-XXXXXX").string();
    int fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "cannot create a file in " + directory.string());
    fd_ = netcfg::UniqueFd(fd);
    path_ = name;
}

TempFile::~TempFile()
{
    if (!committed_)
        ::unlink(path_.c_str());
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

void TempFile::commit_as(const std::filesystem::path& target)
{
    // mkostemp makes it 0600; give it the mode any new file would get.
    mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(fd_.get(), 0666 & ~mask) != 0)
        throw std::system_error(errno, std::generic_category(), "cannot set the mode of " + path_.string());
    fd_.reset();
    if (::rename(path_.c_str(), target.c_str()) != 0)
        throw std::system_error(errno, std::generic_category(), "cannot rename a download to " + target.string());
    committed_ = true;
}

}  // namespace b2c::s3
