// Ethernet + IPv4 + UDP framing for a client that has no address yet and so
// talks through a raw packet socket. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "netcfg/dhcp_packet.h"

namespace b2c::netcfg {

inline constexpr std::size_t ethernet_header_size = 14;
inline constexpr std::size_t ipv4_header_size = 20;  // without options, as we send them
inline constexpr std::size_t udp_header_size = 8;

// The Internet checksum (RFC 1071) of `bytes`, starting from a partial sum.
std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes, std::uint32_t partial_sum = 0);

// UDP checksum with the IPv4 pseudo header; `udp` is header + payload, its
// checksum field taken as zero. Never returns 0 (0 means "no checksum").
std::uint16_t udp_checksum(std::uint32_t source, std::uint32_t destination, std::span<const std::uint8_t> udp);

struct UdpEndpoints {
    MacAddress source_mac{};
    MacAddress destination_mac{};
    std::uint32_t source_ip = 0;       // host order
    std::uint32_t destination_ip = 0;  // host order
    std::uint16_t source_port = 0;
    std::uint16_t destination_port = 0;
};

std::vector<std::uint8_t> build_udp_frame(const UdpEndpoints& endpoints, std::span<const std::uint8_t> payload);

struct ReceivedUdp {
    UdpEndpoints endpoints;
    std::span<const std::uint8_t> payload;  // points into the frame
};

// The UDP datagram inside an Ethernet frame, or nothing if the frame is not
// a whole, unfragmented IPv4/UDP packet with a valid IPv4 header checksum.
// The UDP checksum is not checked: packets looped through veth or offloading
// NICs may legitimately carry a partial one.
std::optional<ReceivedUdp> parse_udp_frame(std::span<const std::uint8_t> frame);

}  // namespace b2c::netcfg
