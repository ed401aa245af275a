// The ETag of a file that comes in ranges, several at once, computed in a
// thread of its own as the ranges become contiguous from the start (each
// read back from the page cache): the MD5 of 512 MiB takes about a second
// of CPU, which the transfers no longer wait for.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/s3/digest.h"

namespace b2c::s3 {

class RangeHasher {
public:
    // `fd` (not owned, open while this lives) will hold `size` bytes, in
    // ranges of `range_size`; the ETag is the one of an upload in parts of
    // `etag_part_size` (0: a plain MD5).
    RangeHasher(int fd, std::string name, std::uint64_t size, std::uint64_t range_size, std::uint64_t etag_part_size);
    ~RangeHasher();  // stops the thread, whatever is left unhashed
    RangeHasher(const RangeHasher&) = delete;
    RangeHasher& operator=(const RangeHasher&) = delete;

    // Range `index` is written in full.
    void range_done(std::size_t index);
    // Once every range is done: waits for the last of them to be hashed,
    // and gives the ETag. Throws std::runtime_error when the file could not
    // be read back.
    std::string finish();

private:
    void run();

    const int fd_;
    const std::string name_;
    const std::uint64_t size_, range_size_;
    EtagBuilder etag_;  // the thread's alone until it is done
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<bool> done_;
    std::size_t hashed_ = 0;
    bool stopping_ = false;
    std::string error_;
    std::thread thread_;
};

}  // namespace b2c::s3
