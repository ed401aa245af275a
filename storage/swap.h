// b2c.swap: a swap file on the cache, or a block device given to swap
// (swap_device.h), made without mkswap (the initramfs has none).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

namespace b2c::storage {

// Makes `path` a swap area of `bytes` (rounded down to whole pages): the
// file is preallocated with fallocate(2), mode 0600, with a swap header in
// its first page. A file left at `path` by an earlier boot is replaced.
// On failure nothing is left behind. Throws std::runtime_error.
void create_swap_file(const std::string& path, std::uint64_t bytes);

// Writes a swap header for `bytes` (rounded down to whole pages, at most
// what the header can count) with a new UUID at the start of `fd`, and
// syncs it. `what` names the file or device in errors. Throws
// std::runtime_error (too small, a failed write).
void write_swap_header(int fd, std::uint64_t bytes, const std::string& what);

// A swap area in use, enabled with swapon(2), disabled with swapoff(2)
// when the object dies (a swap file is deleted then too). A swap file must
// die before its file system is unmounted. A default-built one holds
// nothing.
class SwapArea {
public:
    SwapArea() = default;
    // A swap file made by create_swap_file. Throws std::runtime_error.
    static SwapArea file(const std::string& path, std::uint64_t bytes);
    // A block device that already holds a swap area (a header at its start).
    static SwapArea device(const std::string& node);
    ~SwapArea();
    SwapArea(SwapArea&& other) noexcept;
    SwapArea& operator=(SwapArea&& other) noexcept;
    SwapArea(const SwapArea&) = delete;
    SwapArea& operator=(const SwapArea&) = delete;

    // swapoff (and delete a file) now; logs failures.
    void release() noexcept;
    const std::string& path() const { return path_; }

private:
    SwapArea(std::string path, bool is_file) : path_(std::move(path)), is_file_(is_file) {}
    std::string path_;  // empty: nothing in use
    bool is_file_ = false;
};

// Writes `value` to the kernel's vm.swappiness (`path`: tests point it
// elsewhere). Throws std::runtime_error naming the reason.
void set_swappiness(unsigned value, const std::string& path = "/proc/sys/vm/swappiness");

}  // namespace b2c::storage
