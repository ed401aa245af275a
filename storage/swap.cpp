#include "storage/swap.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/swap.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "common/unique_fd.h"
#include "storage/fs_type.h"
#include "storage/swap_header.h"

namespace b2c::storage {

namespace {

std::string format_bytes(std::uint64_t bytes)
{
    constexpr const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(units)) {
        value /= 1024;
        ++unit;
    }
    return unit == 0 ? fmt::format("{} bytes", bytes) : fmt::format("{:.1f} {}", value, units[unit]);
}

std::string free_space(int fd)
{
    struct statvfs st {};
    if (::fstatvfs(fd, &st) != 0)
        return "unknown";
    return format_bytes(static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize);
}

// Deletes a half-made file unless the work succeeded.
class FileGuard {
public:
    explicit FileGuard(std::string path) : path_(std::move(path)) {}
    ~FileGuard()
    {
        if (!path_.empty())
            ::unlink(path_.c_str());
    }
    FileGuard(const FileGuard&) = delete;
    FileGuard& operator=(const FileGuard&) = delete;
    void keep() { path_.clear(); }

private:
    std::string path_;
};

std::string swapon_error(const std::string& path, bool is_file, int err)
{
    if (err == EINVAL && !is_file)
        return fmt::format("the kernel does not accept its swap header ({}): made for another page size?",
                           error_text(err));
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    auto type = fd ? file_system_type(fd.get()) : std::string("unknown");
    switch (err) {
    case EINVAL:
        return fmt::format("the kernel refuses a swap file on {} ({}): swap files need a local file system "
                           "that maps its blocks directly (ext4, xfs; not tmpfs, 9p, nfs or overlay)",
                           type, error_text(err));
    case ENOSYS: return "the kernel was built without swap support (CONFIG_SWAP)";
    case EPERM:
        return fmt::format("swapon refused ({}): it needs CAP_SYS_ADMIN, and the file must not be in use",
                           error_text(err));
    case EBUSY: return is_file ? "it is already in use as swap" : "it is already in use (as swap, or mounted)";
    default: return error_text(err);
    }
}

}  // namespace

void write_swap_header(int fd, std::uint64_t bytes, const std::string& what)
{
    const auto page_size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    bytes = std::min<std::uint64_t>(bytes, (std::uint64_t{1} << 32) * page_size);  // what the header can count
    std::vector<std::uint8_t> header;
    try {
        header = make_swap_header(bytes, page_size, random_uuid());
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(fmt::format("cannot make a swap area of {}: {}", what, e.what()));
    }
    std::size_t done = 0;
    while (done < header.size()) {
        auto n = ::pwrite(fd, header.data() + done, header.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw std::runtime_error(
                fmt::format("cannot write the swap header of {}: {}", what, n < 0 ? error_text(errno) : "short write"));
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0)
        throw std::runtime_error(fmt::format("cannot sync the swap header of {}: {}", what, error_text(errno)));
}

void create_swap_file(const std::string& path, std::uint64_t bytes)
{
    const auto page_size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    if (bytes / page_size < min_swap_pages)
        throw std::runtime_error(fmt::format("cannot make the swap file {}: {} bytes is too small: at least {} pages "
                                             "of {} bytes",
                                             path, bytes, min_swap_pages, page_size));
    const std::uint64_t size = bytes / page_size * page_size;

    if (::unlink(path.c_str()) == 0)
        spdlog::info("swap: replacing the {} left by an earlier boot", path);
    UniqueFd fd(::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600));
    if (!fd)
        throw std::runtime_error(fmt::format("cannot create the swap file {}: {}", path, error_text(errno)));
    FileGuard guard(path);
    if (::fchmod(fd.get(), 0600) != 0)  // the umask could have left it readable by others
        throw std::runtime_error(fmt::format("cannot chmod 600 {}: {}", path, error_text(errno)));

    const auto free_before = free_space(fd.get());  // a failed fallocate may have used it up
    // fallocate, not a sparse file: the kernel refuses swap files with holes.
    if (::fallocate(fd.get(), 0, 0, static_cast<off_t>(size)) != 0) {
        int err = errno;
        if (err == ENOSPC || err == EFBIG)
            throw std::runtime_error(
                fmt::format("not enough space for a swap file of {} at {} ({} free): ask for less with b2c.swap=",
                            format_bytes(size), path, free_before));
        if (err == EOPNOTSUPP)
            throw std::runtime_error(
                fmt::format("the file system of {} ({}) cannot preallocate files, so it cannot hold a swap file: "
                            "swap needs a local file system such as ext4",
                            path, file_system_type(fd.get())));
        throw std::runtime_error(
            fmt::format("cannot allocate {} for the swap file {}: {}", format_bytes(size), path, error_text(err)));
    }
    write_swap_header(fd.get(), size, path);
    guard.keep();
}

SwapArea SwapArea::file(const std::string& path, std::uint64_t bytes)
{
    create_swap_file(path, bytes);
    if (::swapon(path.c_str(), 0) != 0) {
        auto reason = swapon_error(path, true, errno);
        ::unlink(path.c_str());
        throw std::runtime_error(fmt::format("cannot use {} as swap: {}", path, reason));
    }
    spdlog::info("swap: {} of swap in {}", format_bytes(bytes), path);
    return SwapArea(path, true);
}

SwapArea SwapArea::device(const std::string& node)
{
    if (::swapon(node.c_str(), 0) != 0)
        throw std::runtime_error(fmt::format("cannot use {} as swap: {}", node, swapon_error(node, false, errno)));
    return SwapArea(node, false);
}

SwapArea::~SwapArea()
{
    release();
}

SwapArea::SwapArea(SwapArea&& other) noexcept
    : path_(std::exchange(other.path_, {})), is_file_(std::exchange(other.is_file_, false))
{
}

SwapArea& SwapArea::operator=(SwapArea&& other) noexcept
{
    if (this != &other) {
        release();
        path_ = std::exchange(other.path_, {});
        is_file_ = std::exchange(other.is_file_, false);
    }
    return *this;
}

void SwapArea::release() noexcept
{
    if (path_.empty())
        return;
    auto path = std::exchange(path_, {});
    // swapoff reads every swapped-out page back into RAM: it can take a
    // while, and fails with ENOMEM when they no longer fit.
    if (::swapoff(path.c_str()) != 0) {
        spdlog::warn("swap: cannot stop swapping to {}: {}{}", path, error_text(errno),
                     is_file_ ? "; the file is kept" : "");
        return;
    }
    if (!is_file_)
        spdlog::info("swap: {} stopped", path);
    else if (::unlink(path.c_str()) != 0)
        spdlog::warn("swap: cannot delete {}: {}", path, error_text(errno));
    else
        spdlog::info("swap: {} stopped and deleted", path);
}

void set_swappiness(unsigned value, const std::string& path)
{
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd)
        throw std::runtime_error(fmt::format("cannot open {}: {}", path, error_text(errno)));
    const auto text = fmt::format("{}\n", value);
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        if (errno == EINVAL)
            throw std::runtime_error(fmt::format("the kernel refuses swappiness={} (Linux before 5.8 accepts 0 "
                                                 "to 100 only)",
                                                 value));
        throw std::runtime_error(fmt::format("cannot write {} to {}: {}", value, path, error_text(errno)));
    }
    spdlog::info("swap: swappiness set to {}", value);
}

}  // namespace b2c::storage
