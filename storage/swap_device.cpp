#include "storage/swap_device.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "common/text.h"
#include "common/unique_fd.h"
#include "storage/partition_nodes.h"

namespace b2c::storage {
namespace {

std::string describe(const Signature& signature)
{
    const auto& type = signature.type;
    if (type.empty())
        return "an unnamed signature";
    if (signature.usage == "partition table")
        return fmt::format("a {} partition table", type);
    if (signature.usage == "filesystem")
        return fmt::format("{} {} file system",
                           std::string_view("aeiou").find(type[0]) != std::string_view::npos ? "an" : "a", type);
    if (signature.usage == "raid")
        return fmt::format("a RAID or LVM member ({})", type);
    if (signature.usage == "crypto")
        return fmt::format("an encrypted volume ({})", type);
    if (type == "swap")
        return "a swap area";
    return fmt::format("a {} signature", type);
}

std::uint64_t device_size(const std::string& node)
{
    UniqueFd fd(::open(node.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd)
        throw std::runtime_error(fmt::format("cannot open {}: {}", node, error_text(errno)));
    std::uint64_t size = 0;
    if (::ioctl(fd.get(), BLKGETSIZE64, &size) != 0)
        throw std::runtime_error(fmt::format("cannot read the size of {}: {}", node, error_text(errno)));
    return size;
}

}  // namespace

std::string describe_signatures(const std::vector<Signature>& found)
{
    std::vector<std::string> words;
    for (const auto& signature : found)
        if (auto text = describe(signature); std::find(words.begin(), words.end(), text) == words.end())
            words.push_back(std::move(text));
    if (words.size() < 2)
        return words.empty() ? "nothing" : words.front();
    auto last = std::move(words.back());
    words.pop_back();
    return fmt::format("{} and {}", join(words, ", "), last);
}

SwapArea swap_on_device(const std::string& node, std::chrono::milliseconds wait)
{
    if (!wait_for_path(node, wait))
        throw std::runtime_error(fmt::format("{} did not appear within {} s", node, wait.count() / 1000.0));
    struct stat st {};
    if (::stat(node.c_str(), &st) != 0 || !S_ISBLK(st.st_mode))
        throw std::runtime_error(fmt::format("{} is not a block device", node));
    const auto size = device_size(node);
    if (size == 0)
        throw std::runtime_error(
            fmt::format("{} is empty (size 0: no medium, or a network block device not connected yet)", node));

    const auto found = list_signatures(node);
    if (found.size() == 1 && found.front().type == "swap") {
        auto area = SwapArea::device(node);
        spdlog::info("swap: {} ({} MiB) is a swap area already (UUID {}): swapping to it", node, size >> 20,
                     found.front().uuid.empty() ? "none" : found.front().uuid);
        return area;
    }
    if (!found.empty())
        throw std::runtime_error(fmt::format("{} holds {}; refusing to make it a swap area (wipe it with "
                                             "wipefs -a {} first if it can go)",
                                             node, describe_signatures(found), node));
    {
        // O_EXCL: the kernel refuses a device that is mounted or held.
        UniqueFd fd(::open(node.c_str(), O_WRONLY | O_EXCL | O_CLOEXEC));
        if (!fd)
            throw std::runtime_error(
                fmt::format("cannot open {} to make it a swap area: {}", node,
                            errno == EBUSY ? "it is in use (mounted, or held by a driver)" : error_text(errno)));
        write_swap_header(fd.get(), size, node);
    }
    auto area = SwapArea::device(node);
    spdlog::info("swap: {} ({} MiB) was blank: made a swap area of it, swapping to it", node, size >> 20);
    return area;
}

}  // namespace b2c::storage
