// Big-endian ("network order") fields of the packets we build and read
// (DHCP, SNTP, IPv4/UDP). Callers check the bounds first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace b2c::netcfg {

inline std::uint16_t read_u16(std::span<const std::uint8_t> bytes, std::size_t at)
{
    return static_cast<std::uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}

inline std::uint32_t read_u32(std::span<const std::uint8_t> bytes, std::size_t at)
{
    return std::uint32_t{read_u16(bytes, at)} << 16 | read_u16(bytes, at + 2);
}

inline void write_u16(std::span<std::uint8_t> bytes, std::size_t at, std::uint16_t value)
{
    bytes[at] = static_cast<std::uint8_t>(value >> 8);
    bytes[at + 1] = static_cast<std::uint8_t>(value);
}

inline void write_u32(std::span<std::uint8_t> bytes, std::size_t at, std::uint32_t value)
{
    write_u16(bytes, at, static_cast<std::uint16_t>(value >> 16));
    write_u16(bytes, at + 2, static_cast<std::uint16_t>(value));
}

}  // namespace b2c::netcfg
