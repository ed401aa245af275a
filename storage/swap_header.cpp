#include "storage/swap_header.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "common/errors.h"

namespace b2c::storage {

namespace {

// Offsets in the kernel's union swap_header.
constexpr std::size_t version_offset = 1024;
constexpr std::size_t last_page_offset = 1028;
constexpr std::size_t nr_badpages_offset = 1032;
constexpr std::size_t uuid_offset = 1036;
constexpr char magic[] = "SWAPSPACE2";
constexpr std::size_t magic_size = sizeof(magic) - 1;

void put_u32(std::vector<std::uint8_t>& page, std::size_t offset, std::uint32_t value)
{
    std::memcpy(page.data() + offset, &value, sizeof(value));
}

}  // namespace

std::vector<std::uint8_t> make_swap_header(std::uint64_t size_bytes, std::size_t page_size, const SwapUuid& uuid)
{
    if (page_size < 4096 || (page_size & (page_size - 1)) != 0)
        throw std::invalid_argument(fmt::format("a page size of {} bytes is not a power of two >= 4096", page_size));
    std::uint64_t pages = size_bytes / page_size;
    if (pages < min_swap_pages)
        throw std::invalid_argument(fmt::format("a swap area of {} bytes is too small: at least {} pages of {} bytes",
                                                size_bytes, min_swap_pages, page_size));
    if (pages - 1 > std::numeric_limits<std::uint32_t>::max())
        throw std::invalid_argument(
            fmt::format("a swap area of {} bytes is too large: at most 2^32 pages of {} bytes", size_bytes, page_size));
    std::vector<std::uint8_t> page(page_size, 0);
    put_u32(page, version_offset, 1);
    put_u32(page, last_page_offset, static_cast<std::uint32_t>(pages - 1));
    put_u32(page, nr_badpages_offset, 0);
    std::memcpy(page.data() + uuid_offset, uuid.data(), uuid.size());
    std::memcpy(page.data() + page_size - magic_size, magic, magic_size);
    return page;
}

SwapUuid random_uuid()
{
    SwapUuid uuid{};
    std::size_t done = 0;
    // A UUID needs no cryptographic strength: never wait for the entropy
    // pool early at boot (GRND_INSECURE, Linux 5.6; plain getrandom before).
    unsigned flags = GRND_INSECURE;
    while (done < uuid.size()) {
        auto n = ::getrandom(uuid.data() + done, uuid.size() - done, flags);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EINVAL && flags != 0) {
                flags = 0;
                continue;
            }
            throw std::runtime_error(fmt::format("getrandom: {}", error_text(errno)));
        }
        done += static_cast<std::size_t>(n);
    }
    uuid[6] = static_cast<std::uint8_t>((uuid[6] & 0x0f) | 0x40);  // version 4
    uuid[8] = static_cast<std::uint8_t>((uuid[8] & 0x3f) | 0x80);  // RFC 4122 variant
    return uuid;
}

}  // namespace b2c::storage
