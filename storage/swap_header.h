// The first page of a swap area, as mkswap writes it (the kernel's
// `union swap_header`, include/linux/swap.h): pure, so it is unit-tested.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace b2c::storage {

using SwapUuid = std::array<std::uint8_t, 16>;

// The smallest swap area mkswap accepts, in pages.
inline constexpr std::uint64_t min_swap_pages = 10;

// One page: "SWAPSPACE2" in its last 10 bytes; at offset 1024 the version
// (1), the last usable page, no bad pages, the UUID. Native byte order, as
// the kernel reads it. `size_bytes` is rounded down to whole pages. Throws
// std::invalid_argument for fewer than min_swap_pages pages or more than
// the header can count.
std::vector<std::uint8_t> make_swap_header(std::uint64_t size_bytes, std::size_t page_size, const SwapUuid& uuid);

// A random (version 4) UUID.
SwapUuid random_uuid();

}  // namespace b2c::storage
