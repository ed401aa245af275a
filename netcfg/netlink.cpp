#include "netcfg/netlink.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "common/ipv4_text.h"
#include "netcfg/network.h"

namespace b2c::netcfg {

void NlSocketDeleter::operator()(nl_sock* socket) const
{
    nl_socket_free(socket);
}

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* object) const { Free(object); }
};
using LinkPtr = std::unique_ptr<rtnl_link, Deleter<rtnl_link, rtnl_link_put>>;
using AddrPtr = std::unique_ptr<rtnl_addr, Deleter<rtnl_addr, rtnl_addr_put>>;
using RoutePtr = std::unique_ptr<rtnl_route, Deleter<rtnl_route, rtnl_route_put>>;
using NlAddrPtr = std::unique_ptr<nl_addr, Deleter<nl_addr, nl_addr_put>>;
using CachePtr = std::unique_ptr<nl_cache, Deleter<nl_cache, nl_cache_free>>;

void check(int error, const std::string& what)
{
    if (error < 0)
        throw NetworkError(fmt::format("{}: {}", what, nl_geterror(error)));
}

NlAddrPtr ipv4(std::uint32_t host_order, int prefix_length)
{
    std::uint32_t network_order = htonl(host_order);
    NlAddrPtr address(nl_addr_build(AF_INET, &network_order, sizeof network_order));
    if (!address)
        throw NetworkError("out of memory building a netlink address");
    nl_addr_set_prefixlen(address.get(), prefix_length);
    return address;
}

LinkPtr get_link(nl_sock* socket, const std::string& interface)
{
    rtnl_link* raw = nullptr;
    int error = rtnl_link_get_kernel(socket, 0, interface.c_str(), &raw);
    LinkPtr link(raw);
    if (error < 0 || !link)
        throw NetworkError(fmt::format("network interface {} does not exist ({})", interface, nl_geterror(error)));
    return link;
}

}  // namespace

RouteSocket::RouteSocket() : socket_(nl_socket_alloc())
{
    if (!socket_)
        throw NetworkError("out of memory allocating a netlink socket");
    check(nl_connect(socket_.get(), NETLINK_ROUTE), "cannot open a netlink route socket");
}

RouteSocket::LinkInfo RouteSocket::link(const std::string& interface)
{
    auto link = get_link(socket_.get(), interface);
    LinkInfo info;
    info.ifindex = rtnl_link_get_ifindex(link.get());
    info.up = (rtnl_link_get_flags(link.get()) & IFF_UP) != 0;
    if (nl_addr* mac = rtnl_link_get_addr(link.get()); mac && nl_addr_get_len(mac) == info.mac.size()) {
        auto* bytes = static_cast<const std::uint8_t*>(nl_addr_get_binary_addr(mac));
        std::copy_n(bytes, info.mac.size(), info.mac.begin());
    }
    return info;
}

void RouteSocket::add_link(const std::string& interface, const std::string& kind)
{
    LinkPtr link(rtnl_link_alloc());
    if (!link)
        throw NetworkError("out of memory allocating a netlink link");
    rtnl_link_set_name(link.get(), interface.c_str());
    check(rtnl_link_set_type(link.get(), kind.c_str()), fmt::format("cannot make a {} link", kind));
    int error = rtnl_link_add(socket_.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL);
    if (error == -NLE_EXIST)
        throw NetworkError(
            fmt::format("cannot create network interface {}: an interface has that name already", interface));
    if (error == -NLE_OPNOTSUPP)
        throw NetworkError(fmt::format("cannot create network interface {}: this kernel has no {} interfaces "
                                       "(built without them, or its {} module is not in the modules archive)",
                                       interface, kind, kind));
    check(error, fmt::format("cannot create network interface {} ({})", interface, kind));
}

void RouteSocket::set_link_up(const std::string& interface)
{
    auto link = get_link(socket_.get(), interface);
    LinkPtr change(rtnl_link_alloc());
    if (!change)
        throw NetworkError("out of memory allocating a netlink link");
    rtnl_link_set_flags(change.get(), IFF_UP);
    check(rtnl_link_change(socket_.get(), link.get(), change.get(), 0),
          fmt::format("cannot bring network interface {} up", interface));
}

bool RouteSocket::has_ipv4_address(int ifindex, std::uint32_t address)
{
    nl_cache* raw = nullptr;
    check(rtnl_addr_alloc_cache(socket_.get(), &raw), "cannot list the IP addresses");
    CachePtr cache(raw);
    for (auto* object = nl_cache_get_first(cache.get()); object; object = nl_cache_get_next(object)) {
        auto* addr = reinterpret_cast<rtnl_addr*>(object);
        nl_addr* local = rtnl_addr_get_local(addr);
        if (rtnl_addr_get_ifindex(addr) != ifindex || rtnl_addr_get_family(addr) != AF_INET || !local ||
            nl_addr_get_len(local) != 4)
            continue;
        std::uint32_t network_order = 0;
        std::memcpy(&network_order, nl_addr_get_binary_addr(local), 4);
        if (ntohl(network_order) == address)
            return true;
    }
    return false;
}

// An IPv4 address object of interface #ifindex, for adding or removing.
static AddrPtr ipv4_address_object(int ifindex, std::uint32_t address, int prefix_length)
{
    AddrPtr addr(rtnl_addr_alloc());
    if (!addr)
        throw NetworkError("out of memory allocating a netlink address");
    rtnl_addr_set_ifindex(addr.get(), ifindex);
    rtnl_addr_set_family(addr.get(), AF_INET);
    auto local = ipv4(address, prefix_length);
    check(rtnl_addr_set_local(addr.get(), local.get()), "cannot set the local address");
    return addr;
}

void RouteSocket::add_ipv4_address(int ifindex, std::uint32_t address, int prefix_length)
{
    auto addr = ipv4_address_object(ifindex, address, prefix_length);
    if (prefix_length < 31) {
        auto broadcast = ipv4(address | ~prefix_to_netmask(prefix_length), 32);
        check(rtnl_addr_set_broadcast(addr.get(), broadcast.get()), "cannot set the broadcast address");
    }
    check(rtnl_addr_add(socket_.get(), addr.get(), NLM_F_REPLACE),
          fmt::format("cannot add address {}/{} to interface #{}", ipv4_to_string(address), prefix_length, ifindex));
}

void RouteSocket::remove_ipv4_address(int ifindex, std::uint32_t address, int prefix_length)
{
    auto addr = ipv4_address_object(ifindex, address, prefix_length);
    int error = rtnl_addr_delete(socket_.get(), addr.get(), 0);
    // The kernel says EADDRNOTAVAIL for an address that is not there.
    if (error == -NLE_NOADDR || error == -NLE_OBJ_NOTFOUND)
        return;
    check(error, fmt::format("cannot remove address {}/{} from interface #{}", ipv4_to_string(address), prefix_length,
                             ifindex));
}

void RouteSocket::replace_default_route(int ifindex, std::uint32_t gateway, bool on_link)
{
    replace_route(ifindex, 0, 0, gateway, on_link, true);
}

// A main-table IPv4 route to destination/prefix_length, and its next hop
// through interface #ifindex (which the route owns once added).
static std::pair<RoutePtr, rtnl_nexthop*> route_object(std::uint32_t destination, int prefix_length, int ifindex,
                                                       unsigned char scope, unsigned char protocol)
{
    RoutePtr route(rtnl_route_alloc());
    if (!route)
        throw NetworkError("out of memory allocating a netlink route");
    rtnl_route_set_family(route.get(), AF_INET);
    rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
    rtnl_route_set_scope(route.get(), scope);
    rtnl_route_set_protocol(route.get(), protocol);
    rtnl_route_set_type(route.get(), RTN_UNICAST);
    auto dst = ipv4(destination, prefix_length);
    check(rtnl_route_set_dst(route.get(), dst.get()), "cannot set the route destination");
    rtnl_nexthop* nexthop = rtnl_route_nh_alloc();
    if (!nexthop)
        throw NetworkError("out of memory allocating a netlink next hop");
    rtnl_route_nh_set_ifindex(nexthop, ifindex);
    rtnl_route_add_nexthop(route.get(), nexthop);
    return {std::move(route), nexthop};
}

void RouteSocket::replace_route(int ifindex, std::uint32_t destination, int prefix_length, std::uint32_t gateway,
                                bool on_link, bool from_dhcp)
{
    auto [route, nexthop] =
        route_object(destination, prefix_length, ifindex, RT_SCOPE_UNIVERSE, from_dhcp ? RTPROT_DHCP : RTPROT_STATIC);
    auto via = ipv4(gateway, 32);
    rtnl_route_nh_set_gateway(nexthop, via.get());
    if (on_link)
        rtnl_route_nh_set_flags(nexthop, RTNH_F_ONLINK);

    const auto what = prefix_length == 0
                          ? std::string("the default route")
                          : fmt::format("the route to {}/{}", ipv4_to_string(destination), prefix_length);
    check(rtnl_route_add(socket_.get(), route.get(), NLM_F_REPLACE),
          fmt::format("cannot add {} via {}", what, ipv4_to_string(gateway)));
}

void RouteSocket::replace_link_route(int ifindex, std::uint32_t destination, int prefix_length)
{
    auto route = route_object(destination, prefix_length, ifindex, RT_SCOPE_LINK, RTPROT_STATIC).first;
    check(rtnl_route_add(socket_.get(), route.get(), NLM_F_REPLACE),
          fmt::format("cannot add the route to {}/{} through interface #{}", ipv4_to_string(destination), prefix_length,
                      ifindex));
}

}  // namespace b2c::netcfg
