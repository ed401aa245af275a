// An Ethernet frame from the packet socket the DHCP client listens on.
// Property: the payload found lies inside the frame.
#include "netcfg/udp_frame.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto frame = b2c::fuzz::as_bytes(data, size);
    (void)b2c::netcfg::internet_checksum(frame);
    auto udp = b2c::netcfg::parse_udp_frame(frame);
    if (!udp)
        return 0;
    FUZZ_CHECK(udp->payload.data() >= data && udp->payload.data() + udp->payload.size() <= data + size);
    // The bytes are read, so that ASan sees any read past the frame.
    std::uint32_t sum = 0;
    for (auto byte : udp->payload)
        sum += byte;
    (void)sum;
    return 0;
}
