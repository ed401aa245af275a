// A file being downloaded: created hidden next to its destination, renamed
// onto it only once complete and verified, deleted otherwise, so that a
// failed pull never leaves a truncated file in place of a good one. It
// lives in a directory opened without following links
// (local_directory.h), and is renamed within that same directory.
#pragma once

#include <filesystem>
#include <functional>
#include <string_view>

#include "common/unique_fd.h"

namespace b2c::s3 {

class TempFile {
public:
    // A new hidden file in `directory`; `where` names that directory in
    // messages. Throws std::system_error naming it.
    TempFile(UniqueFd directory, const std::filesystem::path& where);
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    // Throws std::system_error on a short or failed write.
    void write(const char* data, std::size_t size);
    // Gives the file the mode any new file would get, lets `finish` change
    // it through its descriptor (owner, mode, times), then renames it onto
    // `name` in its directory, replacing a link there rather than following
    // it. The object then owns nothing.
    void commit_as(std::string_view name, const std::function<void(int fd)>& finish = {});
    const std::filesystem::path& path() const { return path_; }
    int fd() const { return fd_.get(); }

private:
    UniqueFd directory_;
    std::string name_;
    std::filesystem::path path_;
    UniqueFd fd_;
    bool committed_ = false;
};

}  // namespace b2c::s3
