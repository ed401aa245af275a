// The UDP socket of a lease renewal: once the interface has its address, a
// plain socket on port 68 bound to that interface sends the DHCPREQUESTs
// (unicast or broadcast) and receives the answers (unicast ACKs, broadcast
// NAKs).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/unique_fd.h"

namespace b2c::netcfg {

class RenewalSocket {
public:
    // Throws NetworkError (port 68 taken, not root, no such interface).
    explicit RenewalSocket(const std::string& interface);

    int fd() const { return fd_.get(); }
    // To port 67 of `destination` (host order; 255.255.255.255 broadcasts).
    void send(std::uint32_t destination, std::span<const std::uint8_t> payload);
    // One datagram, or an empty vector when nothing is waiting.
    std::vector<std::uint8_t> receive();

private:
    std::string interface_;
    UniqueFd fd_;
};

}  // namespace b2c::netcfg
