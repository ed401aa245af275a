// An SNTP reply to a request whose nonce is the first 8 bytes, used as the
// client uses it: the sample from our clock's times and the server's.
#include <chrono>

#include "netcfg/network_order.h"
#include "netcfg/sntp_packet.h"
#include "tests/fuzz/fuzz_check.h"

using namespace b2c::netcfg;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 8)
        return 0;
    auto bytes = b2c::fuzz::as_bytes(data, size);
    NtpTimestamp nonce{read_u32(bytes, 0), read_u32(bytes, 4)};
    auto packet = bytes.subspan(8);
    (void)sntp_origin(packet);
    SntpReply reply;
    try {
        reply = decode_sntp_reply(packet, nonce);
    } catch (const SntpKissOfDeath& e) {
        FUZZ_CHECK(std::string_view(e.what()).size() > 0);
        return 0;
    } catch (const SntpError&) {
        return 0;
    }
    FUZZ_CHECK(reply.origin == nonce && reply.stratum >= 1 && reply.stratum <= 15);
    (void)kiss_code(reply.reference_id);
    // Our clock as on a machine that booted at the epoch, or one set right.
    for (UnixTime t1 : {UnixTime{0}, std::chrono::duration_cast<UnixTime>(std::chrono::seconds{1'800'000'000})}) {
        auto sample = compute_sntp_sample(t1, from_ntp_timestamp(reply.receive), from_ntp_timestamp(reply.transmit),
                                          t1 + std::chrono::milliseconds{20});
        (void)sample;
    }
    return 0;
}
