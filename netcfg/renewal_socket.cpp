#include "netcfg/renewal_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "common/errors.h"
#include "netcfg/dhcp_packet.h"
#include "common/ipv4_text.h"
#include "netcfg/network.h"

namespace b2c::netcfg {
namespace {

void enable(int fd, int option, const char* name, const std::string& interface)
{
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, option, &on, sizeof on) < 0)
        throw NetworkError(
            fmt::format("cannot set {} on the DHCP socket of {}: {}", name, interface, error_text(errno)));
}

}  // namespace

RenewalSocket::RenewalSocket(const std::string& interface)
    : interface_(interface), fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0))
{
    if (!fd_)
        throw NetworkError(fmt::format("cannot open a UDP socket for DHCP on {}: {}", interface, error_text(errno)));
    enable(fd_.get(), SO_REUSEADDR, "SO_REUSEADDR", interface);
    enable(fd_.get(), SO_BROADCAST, "SO_BROADCAST", interface);
    // Only this interface's traffic, and broadcasts leave through it.
    if (setsockopt(fd_.get(), SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(),
                   static_cast<socklen_t>(interface.size())) < 0)
        throw NetworkError(
            fmt::format("cannot bind the DHCP socket to {} (are we root?): {}", interface, error_text(errno)));
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(dhcp_client_port);
    local.sin_addr.s_addr = htonl(INADDR_ANY);  // broadcast NAKs too, not only our address
    if (bind(fd_.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) < 0)
        throw NetworkError(
            fmt::format("cannot bind UDP port {} on {}: {}", dhcp_client_port, interface, error_text(errno)));
}

void RenewalSocket::send(std::uint32_t destination, std::span<const std::uint8_t> payload)
{
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(dhcp_server_port);
    to.sin_addr.s_addr = htonl(destination);
    if (sendto(fd_.get(), payload.data(), payload.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0)
        throw NetworkError(fmt::format("cannot send a DHCP message to {} on {}: {}", ipv4_to_string(destination),
                                       interface_, error_text(errno)));
}

std::vector<std::uint8_t> RenewalSocket::receive()
{
    std::vector<std::uint8_t> datagram(2048);
    auto size = recv(fd_.get(), datagram.data(), datagram.size(), 0);
    if (size < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return {};
        // An ICMP error from an earlier send (server gone): not fatal, the
        // retransmission or the next phase will tell.
        if (errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH)
            return {};
        throw NetworkError(fmt::format("cannot receive DHCP answers on {}: {}", interface_, error_text(errno)));
    }
    datagram.resize(static_cast<std::size_t>(size));
    return datagram;
}

}  // namespace b2c::netcfg
