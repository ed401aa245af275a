#include "storage/s3/range_hasher.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace b2c::s3 {

RangeHasher::RangeHasher(int fd, std::string name, std::uint64_t size, std::uint64_t range_size,
                         std::uint64_t etag_part_size)
    : fd_(fd), name_(std::move(name)), size_(size), range_size_(range_size), etag_(etag_part_size),
      done_(part_count(size, range_size)), thread_([this] { run(); })
{
}

RangeHasher::~RangeHasher()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void RangeHasher::range_done(std::size_t index)
{
    {
        std::lock_guard lock(mutex_);
        done_.at(index) = true;
    }
    changed_.notify_all();
}

std::string RangeHasher::finish()
{
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return hashed_ == done_.size() || !error_.empty(); });
    if (!error_.empty())
        throw std::runtime_error(error_);
    return etag_.finish();
}

void RangeHasher::run()
{
    for (;;) {
        std::size_t index = 0;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [this] { return stopping_ || (hashed_ < done_.size() && done_[hashed_]); });
            if (stopping_)
                return;
            index = hashed_;
        }
        std::uint64_t offset = index * range_size_;
        try {
            hash_file_range(fd_, name_, offset, std::min(range_size_, size_ - offset), etag_);
        } catch (const std::exception& e) {
            std::lock_guard lock(mutex_);
            error_ = fmt::format("cannot read back {}: {}", name_, e.what());
            changed_.notify_all();
            return;
        }
        {
            std::lock_guard lock(mutex_);
            ++hashed_;
        }
        changed_.notify_all();
    }
}

}  // namespace b2c::s3
