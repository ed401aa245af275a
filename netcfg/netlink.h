// Links, addresses and routes through libnl-route-3, behind RAII handles.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "netcfg/dhcp_packet.h"

struct nl_sock;

namespace b2c::netcfg {

struct NlSocketDeleter {
    void operator()(nl_sock* socket) const;
};

// A connected NETLINK_ROUTE socket.
class RouteSocket {
public:
    RouteSocket();

    struct LinkInfo {
        int ifindex = 0;
        MacAddress mac{};
        bool up = false;
    };
    // Throws NetworkError if `interface` does not exist.
    LinkInfo link(const std::string& interface);
    // A new virtual interface of the kernel's type `kind` ("wireguard"; the
    // kernel asks modprobe for its module). Throws NetworkError when the
    // name is taken or the kernel has no such type.
    void add_link(const std::string& interface, const std::string& kind);
    void set_link_up(const std::string& interface);
    bool has_ipv4_address(int ifindex, std::uint32_t address);
    // Adds address/prefix with its broadcast address; an existing one is replaced.
    void add_ipv4_address(int ifindex, std::uint32_t address, int prefix_length);
    // Removes address/prefix; nothing to do when it is not there.
    void remove_ipv4_address(int ifindex, std::uint32_t address, int prefix_length);
    // Default route via `gateway`, replacing any previous default route.
    // `on_link`: the gateway is outside the interface's subnet but reachable
    // on its link (some DHCP servers hand out such routers).
    void replace_default_route(int ifindex, std::uint32_t gateway, bool on_link);
    // destination/prefix_length via `gateway`, replacing a route to the same
    // destination. `from_dhcp` only sets the route's protocol (as `ip route` shows it).
    void replace_route(int ifindex, std::uint32_t destination, int prefix_length, std::uint32_t gateway, bool on_link,
                       bool from_dhcp);
    // destination/prefix_length straight through interface #ifindex, with
    // no gateway (a tunnel's routes), replacing a route to the same destination.
    void replace_link_route(int ifindex, std::uint32_t destination, int prefix_length);

private:
    std::unique_ptr<nl_sock, NlSocketDeleter> socket_;
};

}  // namespace b2c::netcfg
