// A file being downloaded: created hidden next to its destination, renamed
// onto it only once complete and verified, deleted otherwise, so that a
// failed pull never leaves a truncated file in place of a good one.
#pragma once

#include <filesystem>
#include <string_view>

#include "netcfg/unique_fd.h"

namespace b2c::s3 {

class TempFile {
public:
    // Throws std::system_error naming `directory` (created when missing).
    explicit TempFile(const std::filesystem::path& directory);
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    // Throws std::system_error on a short or failed write.
    void write(const char* data, std::size_t size);
    // Closes and renames onto `target`; the object then owns nothing.
    void commit_as(const std::filesystem::path& target);
    const std::filesystem::path& path() const { return path_; }
    int fd() const { return fd_.get(); }

private:
    std::filesystem::path path_;
    netcfg::UniqueFd fd_;
    bool committed_ = false;
};

}  // namespace b2c::s3
