// A raw AF_PACKET socket bound to one interface, receiving only UDP to the
// DHCP client port: it works before the interface has any address.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/unique_fd.h"

namespace b2c::netcfg {

class DhcpPacketSocket {
public:
    DhcpPacketSocket(const std::string& interface, int ifindex);

    int fd() const { return fd_.get(); }
    void send_broadcast(std::span<const std::uint8_t> frame);
    // One frame, or an empty vector when nothing is waiting.
    std::vector<std::uint8_t> receive();

private:
    std::string interface_;
    int ifindex_;
    UniqueFd fd_;
};

}  // namespace b2c::netcfg
