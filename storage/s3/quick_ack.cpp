#include "storage/s3/quick_ack.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace b2c::s3 {

namespace {

std::uint16_t local_port(curl_socket_t socket)
{
    sockaddr_storage address{};
    socklen_t size = sizeof address;
    if (::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &size) != 0)
        return 0;
    if (address.ss_family == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
    if (address.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
    return 0;
}

}  // namespace

void QuickAck::watch(CURL* easy)
{
    curl_easy_setopt(easy, CURLOPT_SOCKOPTFUNCTION, on_socket_opened);
    curl_easy_setopt(easy, CURLOPT_SOCKOPTDATA, this);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, on_socket_closed);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
}

int QuickAck::on_socket_opened(void* self, curl_socket_t socket, curlsocktype purpose)
{
    if (purpose == CURLSOCKTYPE_IPCXN)
        static_cast<QuickAck*>(self)->ports_[socket] = 0;
    return CURL_SOCKOPT_OK;
}

int QuickAck::on_socket_closed(void* self, curl_socket_t socket)
{
    static_cast<QuickAck*>(self)->ports_.erase(socket);
    return ::close(socket);
}

void QuickAck::acknowledge(CURL* easy)
{
    long port = 0;
    if (curl_easy_getinfo(easy, CURLINFO_LOCAL_PORT, &port) != CURLE_OK || port <= 0)
        return;
    for (auto& [socket, known] : ports_) {
        if (known == 0)
            known = local_port(socket);
        if (known == port) {
            // Unchecked: a socket that is not TCP refuses it, and waits as before.
            int on = 1;
            ::setsockopt(socket, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
            return;
        }
    }
}

}  // namespace b2c::s3
