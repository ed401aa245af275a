// Acknowledging an answer's first bytes at once. A server that writes an
// answer's headers and its body apart, without TCP_NODELAY (Ceph RGW's
// default `beast` frontend), holds a small body back by Nagle's rule until
// its headers are acknowledged; Linux delays that ACK by 40 ms on a
// connection that goes back and forth, so each small GET took 44 ms
// instead of 2. TCP_QUICKACK sends the pending ACK now, but it does not
// stick: it is set again for every answer, when its status line comes.
//
// libcurl does not tell which socket a transfer is on while it runs
// (CURLINFO_ACTIVESOCKET is only for CONNECT_ONLY), but it does tell the
// connection's local port: the sockets this engine opened are known by
// their port.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <map>

namespace b2c::s3 {

class QuickAck {
public:
    QuickAck() = default;
    QuickAck(const QuickAck&) = delete;
    QuickAck& operator=(const QuickAck&) = delete;

    // Makes `easy`'s connections known to this object, which must outlive
    // every connection they open (libcurl closes them through it, at the
    // latest when the multi handle is cleaned up).
    void watch(CURL* easy);
    // Acknowledges what came so far on `easy`'s connection; best effort.
    void acknowledge(CURL* easy);

private:
    static int on_socket_opened(void* self, curl_socket_t socket, curlsocktype purpose);
    static int on_socket_closed(void* self, curl_socket_t socket);

    std::map<curl_socket_t, std::uint16_t> ports_;  // 0: not known yet (not yet connected when opened)
};

}  // namespace b2c::s3
