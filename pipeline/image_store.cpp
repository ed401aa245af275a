#include "pipeline/image_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "common/unique_fd.h"

namespace b2c::pipeline {
namespace {

void sync_file_system_of(const std::string& dir)
{
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd || ::syncfs(fd.get()) != 0)
        spdlog::warn("cannot sync the image store {}: {}", dir, error_text(errno));
}

void sync_directory(const std::string& dir)
{
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd)
        ::fsync(fd.get());
}

}  // namespace

PullJournal::PullJournal(std::string store_dir)
    : store_dir_(std::move(store_dir)), marker_(store_dir_.empty() ? "" : store_dir_ + "/.b2c-pull-in-progress")
{
}

bool PullJournal::interrupted() const
{
    return !marker_.empty() && ::access(marker_.c_str(), F_OK) == 0;
}

void PullJournal::begin() const
{
    if (marker_.empty())
        return;
    UniqueFd fd(::open(marker_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) {
        spdlog::warn("cannot write {}: {}", marker_, error_text(errno));
        return;
    }
    ::fsync(fd.get());
    sync_directory(store_dir_);
}

void PullJournal::end() const
{
    if (marker_.empty())
        return;
    sync_file_system_of(store_dir_);
    ::unlink(marker_.c_str());
    sync_directory(store_dir_);
}

}  // namespace b2c::pipeline
