// b2c.iface, b2c.hostname, b2c.ntp_peer, b2c.keymap (the machine's), b2c.extra_args_url.
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "cmdline/option_parsing.h"
#include "common/ipv4_text.h"

namespace b2c::cmdline::detail {
namespace {

constexpr std::string_view cidr_expected = "is not an IPv4 address with a prefix length (expected A.B.C.D/N)";
constexpr std::string_view ip_expected = "is not an IPv4 address (expected A.B.C.D)";

std::optional<Ipv4Cidr> cidr_value(const SubOption& item, Reporter& report)
{
    try {
        return parse_cidr(*item.value);
    } catch (const std::invalid_argument&) {
        report.error(fmt::format("{}={} {}", item.key, *item.value, cidr_expected));
        return std::nullopt;
    }
}

std::optional<Ipv4Address> ip_value(const SubOption& item, Reporter& report)
{
    try {
        return parse_ipv4(*item.value);
    } catch (const std::invalid_argument&) {
        report.error(fmt::format("{}={} {}", item.key, *item.value, ip_expected));
        return std::nullopt;
    }
}

// route=NET/LEN:GW
std::optional<Route> route_value(const SubOption& item, Reporter& report)
{
    const std::string& text = *item.value;
    auto colon = text.rfind(':');
    try {
        if (colon == std::string::npos)
            throw std::invalid_argument("no gateway");
        Route route{parse_cidr(std::string_view(text).substr(0, colon)),
                    parse_ipv4(std::string_view(text).substr(colon + 1))};
        if (auto network = without_host_bits_if_set(route.destination)) {
            report.error(
                fmt::format("route={} has host bits set in its destination (did you mean {}?)", text, network->str()));
            return std::nullopt;
        }
        return route;
    } catch (const std::invalid_argument&) {
        report.error(fmt::format("route={} is not a route (expected route=NET/LEN:GATEWAY, e.g. "
                                 "route=10.1.0.0/16:192.168.1.254)",
                                 text));
        return std::nullopt;
    }
}

}  // namespace

std::optional<Ipv4Cidr> without_host_bits_if_set(const Ipv4Cidr& network)
{
    auto mask = prefix_to_netmask(network.prefix_length);
    if (!(network.address.host_order & ~mask))
        return std::nullopt;
    return Ipv4Cidr{{network.address.host_order & mask}, network.prefix_length};
}

void parse_iface(std::string_view value, Config& config, Reporter& report)
{
    auto sub = parse_sub_options(value);
    InterfaceConfig iface;
    iface.name = sub.head;
    bool ok = true;
    // IFNAMSIZ is 16 with the terminating NUL.
    if (!is_simple_name(iface.name, "-_.@") || iface.name.size() > 15) {
        report.error(fmt::format("'{}' is not an interface name (expected b2c.iface=NAME,dhcp or "
                                 "b2c.iface=NAME,address=A.B.C.D/N, NAME up to 15 characters)",
                                 iface.name));
        ok = false;
    }
    SubOptionWalker walker(report, "dhcp, auto, address=, gateway=, route=, nameserver=, forward");
    for (const auto& item : sub.items) {
        if (item.key == "dhcp" || item.key == "auto") {
            if (walker.is_flag(item, ok))
                iface.dhcp = true;
        } else if (item.key == "forward") {
            if (walker.is_flag(item, ok))
                iface.forward = true;
        } else if (item.key == "address") {
            if (walker.needs_value(item, ok)) {
                if (iface.address)
                    report.warning(fmt::format("{}: address= given twice, the last one wins", iface.name));
                iface.address = cidr_value(item, report);
                ok = ok && iface.address;
            }
        } else if (item.key == "gateway") {
            if (walker.needs_value(item, ok)) {
                if (iface.gateway)
                    report.warning(fmt::format("{}: gateway= given twice, the last one wins", iface.name));
                iface.gateway = ip_value(item, report);
                ok = ok && iface.gateway;
            }
        } else if (item.key == "route") {
            if (walker.needs_value(item, ok)) {
                auto route = route_value(item, report);
                ok = ok && route;
                if (route)
                    iface.routes.push_back(*route);
            }
        } else if (item.key == "nameserver") {
            if (walker.needs_value(item, ok)) {
                auto server = ip_value(item, report);
                ok = ok && server;
                if (server)
                    iface.nameservers.push_back(*server);
            }
        } else {
            walker.unknown(item);
        }
    }
    if (ok && !iface.dhcp && !iface.address) {
        report.error(fmt::format("{} has neither dhcp nor address= (expected b2c.iface={},dhcp or "
                                 "b2c.iface={},address=A.B.C.D/N)",
                                 iface.name, iface.name, iface.name));
        ok = false;
    }
    if (ok && iface.dhcp && iface.address) {
        report.error(fmt::format("{} has both dhcp and address= (expected one of them)", iface.name));
        ok = false;
    }
    for (const auto& other : config.network.interfaces) {
        if (ok && other.name == iface.name) {
            report.error(fmt::format("{} is configured twice (expected one b2c.iface per interface)", iface.name));
            ok = false;
        }
    }
    for (const auto& tunnel : config.network.wireguard) {
        if (ok && tunnel.name == iface.name) {
            report.error(fmt::format("{} is a b2c.wireguard tunnel (expected b2c.iface for the machine's own "
                                     "interfaces)",
                                     iface.name));
            ok = false;
        }
    }
    if (ok)
        config.network.interfaces.push_back(std::move(iface));
}

void parse_hostname(std::string_view value, Config& config, Reporter& report)
{
    if (is_valid_hostname(value))
        config.network.hostname = value;
    else
        report.error(fmt::format("'{}' is not a host name (expected at most 64 characters, dot-separated labels "
                                 "of 1 to 63 letters, digits or '-')",
                                 value));
}

// HOST or HOST:PORT; the port is our extension, for test servers.
void parse_ntp_peer(std::string_view value, Config& config, Reporter& report)
{
    if (value == "none") {
        config.network.ntp_peer.reset();
        return;
    }
    if (value == "auto") {
        config.network.ntp_peer = "pool.ntp.org";
        return;
    }
    auto colon = value.rfind(':');
    auto host = value.substr(0, colon);
    if (!is_valid_hostname(host)) {
        report.error(fmt::format("'{}' is not a peer (expected none, auto, a host name or an IPv4 address, "
                                 "optionally followed by :PORT)",
                                 value));
        return;
    }
    if (colon != std::string_view::npos) {
        auto port = value.substr(colon + 1);
        bool digits =
            !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string_view::npos;
        unsigned long number = digits ? std::stoul(std::string(port)) : 0;
        if (number < 1 || number > 65535) {
            report.error(
                fmt::format("'{}' has a bad port '{}' (expected HOST:PORT with PORT from 1 to 65535)", value, port));
            return;
        }
    }
    config.network.ntp_peer = value;
}

void parse_keymap(std::string_view value, Config& config, Reporter& report)
{
    if (is_simple_name(value, "-_."))
        config.machine.keymap = value;
    else
        report.error(fmt::format("'{}' is not a keymap name (expected a name such as fr, de or us)", value));
}

void parse_extra_args_url(std::string_view value, Config& config, Reporter& report)
{
    if (is_http_url(value))
        config.network.extra_args_url = value;
    else
        report.error(fmt::format("'{}' is not an http:// or https:// URL", value));
}

}  // namespace b2c::cmdline::detail
