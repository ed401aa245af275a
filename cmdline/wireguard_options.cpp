// b2c.wireguard (extension): a WireGuard interface and its peers.
//
// b2c.wireguard=IFACE,private_key=KEY,address=A.B.C.D/N[,listen_port=PORT][,route=NET/LEN]...
//               ,peer=KEY[,preshared_key=KEY][,endpoint=HOST:PORT][,allowed_ips=CIDR;CIDR][,keepalive=SECONDS]...
//
// Rules (docs/options.md says them to users):
// * Each peer= starts a peer; preshared_key=, endpoint=, allowed_ips= and
//   keepalive= are that peer's, so one of them before any peer= is an error.
// * Keys are the base 64 of 32 bytes (what `wg genkey`, `wg pubkey` and
//   `wg genpsk` print); private_key= and preshared_key= are secrets.
// * allowed_ips= separates its networks with ';' (',' separates
//   sub-options); they and route= take no host bits (10.42.0.0/16, not
//   10.42.0.1/16), like b2c.iface's route=.
// * private_key=, address= and one peer= at least are required; a peer
//   without allowed_ips= (nothing would go through it) is a warning.
// * The interface's name is not another b2c.wireguard's nor a b2c.iface's.
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "cmdline/option_parsing.h"
#include "common/base64.h"

namespace b2c::cmdline::detail {
namespace {

constexpr std::string_view expected_keys =
    "private_key=, address=, listen_port=, route=, peer=, and after a peer=: preshared_key=, endpoint=, "
    "allowed_ips=, keepalive=";

bool is_key(const std::string& text)
{
    auto bytes = decode_base64(text, Padding::required);
    return bytes && bytes->size() == wireguard_key_bytes;
}

std::optional<unsigned> number_in(std::string_view text, unsigned min, unsigned max)
{
    unsigned value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < min || value > max)
        return std::nullopt;
    return value;
}

// NET/LEN with no host bits, or nullopt after an error naming `key`.
std::optional<Ipv4Cidr> network_value(const std::string& name, std::string_view key, std::string_view text,
                                      Reporter& report)
{
    try {
        auto cidr = parse_cidr(text);
        if (auto network = without_host_bits_if_set(cidr)) {
            report.error(
                fmt::format("{}: {}={} has host bits set (did you mean {}?)", name, key, text, network->str()));
            return std::nullopt;
        }
        return cidr;
    } catch (const std::invalid_argument&) {
        report.error(fmt::format("{}: {}={} is not a network (expected NET/LEN, e.g. 10.42.0.0/16)", name, key, text));
        return std::nullopt;
    }
}

// endpoint=HOST:PORT, HOST a name or an IPv4 address.
bool set_endpoint(const std::string& name, const std::string& text, WireguardPeer& peer, Reporter& report)
{
    auto colon = text.rfind(':');
    std::optional<unsigned> port;
    if (colon != std::string::npos)
        port = number_in(std::string_view(text).substr(colon + 1), 1, 65535);
    auto host = colon == std::string::npos ? std::string() : text.substr(0, colon);
    if (!port || !(is_valid_hostname(host) || is_simple_name(host, "."))) {
        report.error(fmt::format("{}: endpoint={} is not HOST:PORT (expected a host name or an IPv4 address, a "
                                 "colon and a port, e.g. endpoint=gateway.farm:51820)",
                                 name, text));
        return false;
    }
    peer.endpoint_host = host;
    peer.endpoint_port = static_cast<std::uint16_t>(*port);
    return true;
}

}  // namespace

void parse_wireguard(std::string_view value, Config& config, Reporter& report)
{
    auto sub = parse_sub_options(value);
    WireguardConfig tunnel;
    tunnel.name = sub.head;
    bool ok = true;
    // IFNAMSIZ is 16 with the terminating NUL.
    if (!is_simple_name(tunnel.name, "-_.") || tunnel.name.size() > 15) {
        report.error(fmt::format("'{}' is not an interface name (expected b2c.wireguard=NAME,private_key=...,"
                                 " NAME up to 15 characters, e.g. wg0)",
                                 tunnel.name));
        ok = false;
    }
    const auto& name = tunnel.name;
    bool has_private_key = false, has_address = false;
    SubOptionWalker walker(report, std::string(expected_keys));
    for (const auto& item : sub.items) {
        const auto& key = item.key;
        bool secret = false;
        WireguardPeer* peer = tunnel.peers.empty() ? nullptr : &tunnel.peers.back();
        bool peer_key = key == "preshared_key" || key == "endpoint" || key == "allowed_ips" || key == "keepalive";
        if (peer_key && !peer) {
            report.error(fmt::format("{}: {}= comes before any peer= (expected peer=PUBLIC_KEY first: the "
                                     "sub-options after a peer= are that peer's)",
                                     name, key));
            ok = false;
            secret = key == "preshared_key";
        } else if (key == "private_key" || key == "preshared_key") {
            secret = true;
            if (walker.needs_value(item, ok)) {
                if (!is_key(*item.value)) {
                    report.error(fmt::format("{}: {}=*** is not the base 64 of a {}-byte key (expected what "
                                             "`wg {}` prints)",
                                             name, key, wireguard_key_bytes,
                                             key == "private_key" ? "genkey" : "genpsk"));
                    ok = false;
                } else if (key == "private_key") {
                    tunnel.private_key = *item.value;
                    has_private_key = true;
                } else {
                    peer->preshared_key = *item.value;
                }
            }
        } else if (key == "address") {
            if (walker.needs_value(item, ok)) {
                try {
                    tunnel.address = parse_cidr(*item.value);
                    has_address = true;
                } catch (const std::invalid_argument&) {
                    report.error(fmt::format("{}: address={} is not an IPv4 address with a prefix length (expected "
                                             "A.B.C.D/N)",
                                             name, *item.value));
                    ok = false;
                }
            }
        } else if (key == "listen_port") {
            if (walker.needs_value(item, ok)) {
                auto port = number_in(*item.value, 1, 65535);
                if (!port) {
                    report.error(
                        fmt::format("{}: listen_port={} is not a port (expected 1 to 65535)", name, *item.value));
                    ok = false;
                } else {
                    tunnel.listen_port = static_cast<std::uint16_t>(*port);
                }
            }
        } else if (key == "route") {
            if (walker.needs_value(item, ok)) {
                auto route = network_value(name, key, *item.value, report);
                ok = ok && route;
                if (route)
                    tunnel.routes.push_back(*route);
            }
        } else if (key == "peer") {
            if (walker.needs_value(item, ok)) {
                if (!is_key(*item.value)) {
                    report.error(fmt::format("{}: peer={} is not the base 64 of a {}-byte key (expected the peer's "
                                             "public key, what `wg pubkey` prints)",
                                             name, *item.value, wireguard_key_bytes));
                    ok = false;
                }
                for (const auto& other : tunnel.peers)
                    if (other.public_key == *item.value) {
                        report.error(
                            fmt::format("{}: peer={} is given twice (expected each peer once)", name, *item.value));
                        ok = false;
                    }
                tunnel.peers.emplace_back().public_key = *item.value;
            }
        } else if (key == "endpoint") {
            if (walker.needs_value(item, ok))
                ok = set_endpoint(name, *item.value, *peer, report) && ok;
        } else if (key == "allowed_ips") {
            if (walker.needs_value(item, ok))
                for (const auto& text : split_outside_quotes(*item.value, ';')) {
                    auto network = network_value(name, key, text, report);
                    ok = ok && network;
                    if (network)
                        peer->allowed_ips.push_back(*network);
                }
        } else if (key == "keepalive") {
            if (walker.needs_value(item, ok)) {
                auto seconds = number_in(*item.value, 0, 65535);
                if (!seconds) {
                    report.error(fmt::format("{}: keepalive={} is not a number of seconds (expected 0 to 65535; 25 "
                                             "keeps a tunnel open through most NATs)",
                                             name, *item.value));
                    ok = false;
                } else {
                    peer->keepalive_seconds = static_cast<std::uint16_t>(*seconds);
                }
            }
        } else {
            walker.unknown(item);
        }
        walker.after(item, secret);
    }
    if (ok && !has_private_key) {
        report.error(fmt::format("{} has no private_key= (expected the base 64 of its private key, what `wg genkey` "
                                 "prints)",
                                 name));
        ok = false;
    }
    if (ok && !has_address) {
        report.error(fmt::format("{} has no address= (expected its address in the tunnel, A.B.C.D/N)", name));
        ok = false;
    }
    if (ok && tunnel.peers.empty()) {
        report.error(fmt::format("{} has no peer= (expected at least one peer=PUBLIC_KEY)", name));
        ok = false;
    }
    for (const auto& peer : tunnel.peers)
        if (ok && peer.allowed_ips.empty())
            report.warning(
                fmt::format("{}: peer {} has no allowed_ips=, so nothing goes through it", name, peer.public_key));
    for (const auto& other : config.network.wireguard)
        if (ok && other.name == name) {
            report.error(fmt::format("{} is configured twice (expected one b2c.wireguard per interface)", name));
            ok = false;
        }
    for (const auto& iface : config.network.interfaces)
        if (ok && iface.name == name) {
            report.error(fmt::format("{} is also a b2c.iface (expected another name for the tunnel, e.g. wg0)", name));
            ok = false;
        }
    if (ok)
        config.network.wireguard.push_back(std::move(tunnel));
}

}  // namespace b2c::cmdline::detail
