#include "storage/s3/range_hasher.h"

#include <unistd.h>

#include <algorithm>
#include <stdexcept>

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
    std::vector<char> buffer(1 << 20);
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
        std::uint64_t length = std::min(range_size_, size_ - offset);
        while (length > 0) {
            ssize_t n =
                ::pread(fd_, buffer.data(), std::min<std::uint64_t>(length, buffer.size()), static_cast<off_t>(offset));
            if (n <= 0) {
                std::lock_guard lock(mutex_);
                error_ = "cannot read back " + name_;
                changed_.notify_all();
                return;
            }
            etag_.update(buffer.data(), static_cast<std::size_t>(n));
            offset += static_cast<std::uint64_t>(n);
            length -= static_cast<std::uint64_t>(n);
        }
        {
            std::lock_guard lock(mutex_);
            ++hashed_;
        }
        changed_.notify_all();
    }
}

}  // namespace b2c::s3
