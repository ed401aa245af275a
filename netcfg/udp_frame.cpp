#include "netcfg/udp_frame.h"

#include <algorithm>

#include "netcfg/network_order.h"

namespace b2c::netcfg {
namespace {

constexpr std::uint16_t ethertype_ipv4 = 0x0800;
constexpr std::uint8_t ip_protocol_udp = 17;

std::uint32_t sum_words(std::span<const std::uint8_t> bytes, std::uint32_t sum)
{
    std::size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2)
        sum += static_cast<std::uint32_t>(bytes[i] << 8 | bytes[i + 1]);
    if (i < bytes.size())
        sum += static_cast<std::uint32_t>(bytes[i] << 8);
    return sum;
}

}  // namespace

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes, std::uint32_t partial_sum)
{
    std::uint64_t sum = sum_words(bytes, 0) + std::uint64_t{partial_sum};
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

std::uint16_t udp_checksum(std::uint32_t source, std::uint32_t destination, std::span<const std::uint8_t> udp)
{
    std::uint32_t pseudo = (source >> 16) + (source & 0xffff) + (destination >> 16) + (destination & 0xffff) +
                           ip_protocol_udp + static_cast<std::uint32_t>(udp.size());
    std::uint16_t checksum = internet_checksum(udp, pseudo);
    return checksum == 0 ? 0xffff : checksum;
}

std::vector<std::uint8_t> build_udp_frame(const UdpEndpoints& e, std::span<const std::uint8_t> payload)
{
    const std::size_t ip_at = ethernet_header_size;
    const std::size_t udp_at = ip_at + ipv4_header_size;
    const std::size_t udp_length = udp_header_size + payload.size();
    std::vector<std::uint8_t> frame(udp_at + udp_length, 0);

    std::copy(e.destination_mac.begin(), e.destination_mac.end(), frame.begin());
    std::copy(e.source_mac.begin(), e.source_mac.end(), frame.begin() + 6);
    write_u16(frame, 12, ethertype_ipv4);

    frame[ip_at] = 0x45;  // version 4, 5 words of header
    write_u16(frame, ip_at + 2, static_cast<std::uint16_t>(ipv4_header_size + udp_length));
    frame[ip_at + 8] = 64;  // TTL
    frame[ip_at + 9] = ip_protocol_udp;
    write_u32(frame, ip_at + 12, e.source_ip);
    write_u32(frame, ip_at + 16, e.destination_ip);
    write_u16(frame, ip_at + 10, internet_checksum(std::span(frame).subspan(ip_at, ipv4_header_size)));

    write_u16(frame, udp_at, e.source_port);
    write_u16(frame, udp_at + 2, e.destination_port);
    write_u16(frame, udp_at + 4, static_cast<std::uint16_t>(udp_length));
    std::copy(payload.begin(), payload.end(), frame.begin() + static_cast<std::ptrdiff_t>(udp_at + udp_header_size));
    write_u16(frame, udp_at + 6, udp_checksum(e.source_ip, e.destination_ip, std::span(frame).subspan(udp_at)));
    return frame;
}

std::optional<ReceivedUdp> parse_udp_frame(std::span<const std::uint8_t> frame)
{
    if (frame.size() < ethernet_header_size + ipv4_header_size + udp_header_size)
        return std::nullopt;
    if (read_u16(frame, 12) != ethertype_ipv4)
        return std::nullopt;
    auto ip = frame.subspan(ethernet_header_size);
    if ((ip[0] >> 4) != 4)
        return std::nullopt;
    std::size_t header_length = std::size_t{ip[0] & 0x0fu} * 4;
    std::size_t total_length = read_u16(ip, 2);
    if (header_length < ipv4_header_size || total_length < header_length + udp_header_size || total_length > ip.size())
        return std::nullopt;
    if (ip[9] != ip_protocol_udp || (read_u16(ip, 6) & 0x3fff) != 0)  // more fragments or an offset
        return std::nullopt;
    if (internet_checksum(ip.first(header_length)) != 0)
        return std::nullopt;

    auto udp = ip.subspan(header_length, total_length - header_length);
    std::size_t udp_length = read_u16(udp, 4);
    if (udp_length < udp_header_size || udp_length > udp.size())
        return std::nullopt;

    ReceivedUdp received;
    std::copy_n(frame.begin(), 6, received.endpoints.destination_mac.begin());
    std::copy_n(frame.begin() + 6, 6, received.endpoints.source_mac.begin());
    received.endpoints.source_ip = read_u32(ip, 12);
    received.endpoints.destination_ip = read_u32(ip, 16);
    received.endpoints.source_port = read_u16(udp, 0);
    received.endpoints.destination_port = read_u16(udp, 2);
    received.payload = udp.subspan(udp_header_size, udp_length - udp_header_size);
    return received;
}

}  // namespace b2c::netcfg
