// b2c.swap: a swap file, made without mkswap (the initramfs has none).
#pragma once

#include <cstdint>
#include <string>

namespace b2c::storage {

// Makes `path` a swap area of `bytes` (rounded down to whole pages): the
// file is preallocated with fallocate(2), mode 0600, with a swap header in
// its first page. A file left at `path` by an earlier boot is replaced.
// On failure nothing is left behind. Throws std::runtime_error.
void create_swap_file(const std::string& path, std::uint64_t bytes);

// A swap file in use: made by create_swap_file, enabled with swapon(2),
// disabled with swapoff(2) and deleted when the object dies. It must die
// before its file system is unmounted. A default-built one holds nothing.
class SwapFile {
public:
    SwapFile() = default;
    SwapFile(const std::string& path, std::uint64_t bytes);  // throws std::runtime_error
    ~SwapFile();
    SwapFile(SwapFile&& other) noexcept;
    SwapFile& operator=(SwapFile&& other) noexcept;
    SwapFile(const SwapFile&) = delete;
    SwapFile& operator=(const SwapFile&) = delete;

    // swapoff and delete now; logs failures.
    void release() noexcept;
    const std::string& path() const { return path_; }

private:
    std::string path_;  // empty: nothing in use
};

}  // namespace b2c::storage
