#include "netcfg/packet_socket.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/errors.h"
#include "netcfg/network.h"

namespace b2c::netcfg {
namespace {

// Accept IPv4, UDP, unfragmented, destination port 68; drop the rest in the kernel.
constexpr sock_filter dhcp_client_filter[] = {
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),  // ethertype
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 7),
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),  // IP protocol
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 5),
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20),  // flags + fragment offset
    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 3, 0),
    BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),  // X = IP header length
    BPF_STMT(BPF_LD | BPF_H | BPF_IND, 16),   // UDP destination port
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 68, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, 0x40000),
    BPF_STMT(BPF_RET | BPF_K, 0),
};

NetworkError socket_error(const std::string& what, const std::string& interface)
{
    return NetworkError(what + " on " + interface + ": " + error_text(errno));
}

}  // namespace

DhcpPacketSocket::DhcpPacketSocket(const std::string& interface, int ifindex)
    : interface_(interface), ifindex_(ifindex),
      fd_(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_IP)))
{
    if (!fd_)
        throw socket_error("cannot open a raw packet socket for DHCP (are we root?)", interface);

    sock_fprog program{};
    program.len = static_cast<unsigned short>(std::size(dhcp_client_filter));
    program.filter = const_cast<sock_filter*>(dhcp_client_filter);
    if (setsockopt(fd_.get(), SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) < 0)
        throw socket_error("cannot attach the DHCP packet filter", interface);

    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_IP);
    address.sll_ifindex = ifindex;
    if (bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0)
        throw socket_error("cannot bind a raw packet socket", interface);

    // Frames queued before the filter was attached may be anything: drop them.
    while (!receive().empty()) {
    }
}

void DhcpPacketSocket::send_broadcast(std::span<const std::uint8_t> frame)
{
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_IP);
    address.sll_ifindex = ifindex_;
    address.sll_halen = ETH_ALEN;
    std::memset(address.sll_addr, 0xff, ETH_ALEN);
    if (sendto(fd_.get(), frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0)
        throw socket_error("cannot send a DHCP message", interface_);
}

std::vector<std::uint8_t> DhcpPacketSocket::receive()
{
    std::vector<std::uint8_t> frame(2048);
    ssize_t size = recv(fd_.get(), frame.data(), frame.size(), MSG_TRUNC);
    if (size < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return {};
        throw socket_error("cannot receive DHCP messages", interface_);
    }
    frame.resize(std::min(frame.size(), static_cast<std::size_t>(size)));
    return frame;
}

}  // namespace b2c::netcfg
