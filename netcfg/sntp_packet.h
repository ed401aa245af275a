// SNTP (RFC 4330) on the wire: the client's request, the server's reply,
// the 64-bit NTP timestamps and the offset/delay arithmetic. No sockets here.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

namespace b2c::netcfg {

class SntpError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A kiss-o'-death reply: the server asks us to stop querying it.
class SntpKissOfDeath : public SntpError {
public:
    using SntpError::SntpError;
};

constexpr std::size_t kSntpPacketSize = 48;
using SntpPacket = std::array<std::uint8_t, kSntpPacketSize>;

// Seconds since 1900-01-01 (modulo 2^32, the NTP era) and a 2^-32 s fraction.
struct NtpTimestamp {
    std::uint32_t seconds = 0;
    std::uint32_t fraction = 0;

    bool is_zero() const { return seconds == 0 && fraction == 0; }
    bool operator==(const NtpTimestamp&) const = default;
};

// A wall-clock time as nanoseconds since the Unix epoch (signed: fits 1678-2262).
using UnixTime = std::chrono::nanoseconds;

// Seconds from 1900-01-01 to 1970-01-01.
constexpr std::int64_t kNtpUnixEpochDelta = 2'208'988'800;

NtpTimestamp to_ntp_timestamp(UnixTime time);

// RFC 4330 section 3: a timestamp whose top bit is set is in era 0
// (1968-2036), otherwise in era 1 (2036-2104). This holds whatever our own
// clock says, which matters: a machine without RTC boots in 1970.
UnixTime from_ntp_timestamp(NtpTimestamp timestamp);

// A client request (LI 0, version 4, mode 3) whose transmit timestamp is
// `nonce`: the server echoes it as the origin timestamp of its reply, and a
// random value proves the reply answers this request, not an old or forged one.
SntpPacket encode_sntp_request(NtpTimestamp nonce);

enum class LeapIndicator : std::uint8_t { none = 0, add_second = 1, remove_second = 2, unsynchronised = 3 };

struct SntpReply {
    LeapIndicator leap = LeapIndicator::none;
    int version = 0;
    int mode = 0;
    int stratum = 0;
    std::uint32_t reference_id = 0;
    NtpTimestamp reference;
    NtpTimestamp origin;
    NtpTimestamp receive;   // T2, when the server got our request
    NtpTimestamp transmit;  // T3, when the server sent its reply
};

// Decodes a reply to the request sent with `nonce`. Throws SntpError, saying
// why, for anything a client must not set its clock from: short packet, not
// a server reply (mode 4), unknown version, kiss-o'-death (stratum 0, with
// its code), stratum above 15, unsynchronised server (LI 3), origin
// timestamp that is not our nonce, zero receive or transmit timestamp.
// A kiss-o'-death is thrown as SntpKissOfDeath.
SntpReply decode_sntp_reply(std::span<const std::uint8_t> bytes, NtpTimestamp nonce);

// The origin timestamp of a reply, to find which of our requests it answers
// (zero when the packet is too short to have one).
NtpTimestamp sntp_origin(std::span<const std::uint8_t> bytes);

// The kiss code of a stratum-0 reply ("RATE", "DENY", ...), printable characters only.
std::string kiss_code(std::uint32_t reference_id);

struct SntpSample {
    std::chrono::nanoseconds offset;  // add to our clock to get the server's
    std::chrono::nanoseconds delay;   // round trip, without the server's own time
};

// RFC 4330 section 5: t1 request sent (ours), t2 request received (server),
// t3 reply sent (server), t4 reply received (ours).
// offset = ((t2 - t1) + (t3 - t4)) / 2, delay = (t4 - t1) - (t3 - t2).
SntpSample compute_sntp_sample(UnixTime t1, UnixTime t2, UnixTime t3, UnixTime t4);

}  // namespace b2c::netcfg
