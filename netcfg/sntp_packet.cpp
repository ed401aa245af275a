#include "netcfg/sntp_packet.h"

#include <fmt/format.h>

#include "netcfg/network_order.h"

namespace b2c::netcfg {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::uint8_t kVersion = 4;
constexpr std::uint8_t kModeClient = 3;
constexpr std::uint8_t kModeServer = 4;
constexpr int kMaxStratum = 15;  // 16 means "unsynchronised" in NTPv4

// Field offsets in the 48-byte header (RFC 4330 section 4).
constexpr std::size_t kStratumAt = 1;
constexpr std::size_t kReferenceIdAt = 12;
constexpr std::size_t kReferenceAt = 16;
constexpr std::size_t kOriginAt = 24;
constexpr std::size_t kReceiveAt = 32;
constexpr std::size_t kTransmitAt = 40;

NtpTimestamp read_timestamp(std::span<const std::uint8_t> bytes, std::size_t at)
{
    return {read_u32(bytes, at), read_u32(bytes, at + 4)};
}

std::string hex(NtpTimestamp t)
{
    return fmt::format("{:08x}.{:08x}", t.seconds, t.fraction);
}

}  // namespace

NtpTimestamp to_ntp_timestamp(UnixTime time)
{
    std::int64_t ns = time.count();
    // Floor division, so that times before 1970 keep a positive fraction.
    std::int64_t seconds = ns / kNanosPerSecond;
    std::int64_t rest = ns % kNanosPerSecond;
    if (rest < 0) {
        rest += kNanosPerSecond;
        --seconds;
    }
    // rest < 10^9 < 2^30: rest * 2^32 fits in 64 bits; rounded to nearest.
    auto fraction = ((static_cast<std::uint64_t>(rest) << 32) + kNanosPerSecond / 2) / kNanosPerSecond;
    // The NTP seconds wrap at 2^32 (2036-02-07): only the low 32 bits are sent.
    return {static_cast<std::uint32_t>(static_cast<std::uint64_t>(seconds + kNtpUnixEpochDelta)),
            static_cast<std::uint32_t>(fraction)};
}

UnixTime from_ntp_timestamp(NtpTimestamp timestamp)
{
    std::int64_t seconds = timestamp.seconds;
    if ((timestamp.seconds & 0x8000'0000u) == 0)
        seconds += std::int64_t{1} << 32;  // era 1: 2036-02-07 onwards
    seconds -= kNtpUnixEpochDelta;
    auto nanos = (std::uint64_t{timestamp.fraction} * kNanosPerSecond + (std::uint64_t{1} << 31)) >> 32;
    return UnixTime(seconds * kNanosPerSecond + static_cast<std::int64_t>(nanos));
}

SntpPacket encode_sntp_request(NtpTimestamp nonce)
{
    SntpPacket bytes{};
    bytes[0] = static_cast<std::uint8_t>(kVersion << 3 | kModeClient);  // LI 0
    write_u32(bytes, kTransmitAt, nonce.seconds);
    write_u32(bytes, kTransmitAt + 4, nonce.fraction);
    return bytes;
}

std::string kiss_code(std::uint32_t reference_id)
{
    std::string code;
    for (int shift = 24; shift >= 0; shift -= 8) {
        auto c = static_cast<char>(reference_id >> shift & 0xff);
        if (c >= 0x21 && c <= 0x7e)
            code += c;
    }
    return code.empty() ? "?" : code;
}

NtpTimestamp sntp_origin(std::span<const std::uint8_t> bytes)
{
    return bytes.size() < kSntpPacketSize ? NtpTimestamp{} : read_timestamp(bytes, kOriginAt);
}

SntpReply decode_sntp_reply(std::span<const std::uint8_t> bytes, NtpTimestamp nonce)
{
    if (bytes.size() < kSntpPacketSize)
        throw SntpError(
            fmt::format("reply of {} bytes, shorter than an NTP header ({} bytes)", bytes.size(), kSntpPacketSize));
    SntpReply reply;
    reply.leap = static_cast<LeapIndicator>(bytes[0] >> 6);
    reply.version = bytes[0] >> 3 & 0x7;
    reply.mode = bytes[0] & 0x7;
    reply.stratum = bytes[kStratumAt];
    reply.reference_id = read_u32(bytes, kReferenceIdAt);
    reply.reference = read_timestamp(bytes, kReferenceAt);
    reply.origin = read_timestamp(bytes, kOriginAt);
    reply.receive = read_timestamp(bytes, kReceiveAt);
    reply.transmit = read_timestamp(bytes, kTransmitAt);

    if (reply.mode != kModeServer)
        throw SntpError(fmt::format("not a server reply (mode {}, expected 4)", reply.mode));
    if (reply.version < 3 || reply.version > 4)
        throw SntpError(fmt::format("NTP version {} (expected 3 or 4)", reply.version));
    // Checked before anything else about the content: a reply to someone
    // else's request (or a forged one) says nothing about this server.
    if (reply.origin != nonce)
        throw SntpError(fmt::format("origin timestamp {} is not the one we sent ({}): a stale or forged reply",
                                    hex(reply.origin), hex(nonce)));
    if (reply.stratum == 0)
        throw SntpKissOfDeath(
            fmt::format("kiss-o'-death {} (the server refuses to serve us)", kiss_code(reply.reference_id)));
    if (reply.stratum > kMaxStratum)
        throw SntpError(fmt::format("stratum {} (the server is not synchronised)", reply.stratum));
    if (reply.leap == LeapIndicator::unsynchronised)
        throw SntpError("leap indicator 3 (the server's clock is not synchronised)");
    if (reply.transmit.is_zero())
        throw SntpError("zero transmit timestamp");
    if (reply.receive.is_zero())
        throw SntpError("zero receive timestamp");
    return reply;
}

SntpSample compute_sntp_sample(UnixTime t1, UnixTime t2, UnixTime t3, UnixTime t4)
{
    return {((t2 - t1) + (t3 - t4)) / 2, (t4 - t1) - (t3 - t2)};
}

}  // namespace b2c::netcfg
