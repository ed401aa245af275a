// What a b2c.wireguard becomes in the kernel, from its configuration and the
// addresses its peers' endpoints resolved to: the pure part of
// netcfg/wireguard.h, tested without a kernel.
//
// Rules:
// * Keys are decoded (cmdline/ checked they are 32 bytes of base 64).
// * Routes through the tunnel, as wg-quick makes them: each peer's
//   allowed_ips, then route=, in order, once each; but not those the
//   interface's own address already routes (10.99.0.0/24 for address
//   10.99.0.2/24, or a part of it), nor those that hold a peer's endpoint:
//   the tunnel's own packets would go into it (0.0.0.0/0 with a gateway's
//   endpoint, say). Each route left out for that is a note the boot logs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cmdline/config.h"

struct nl_msg;

namespace b2c::netcfg {

using WireguardKey = std::array<std::uint8_t, cmdline::wireguard_key_bytes>;

struct WireguardEndpoint {
    std::uint32_t address = 0;  // host order
    std::uint16_t port = 0;
};

struct WireguardPeerPlan {
    WireguardKey public_key{};
    std::optional<WireguardKey> preshared_key;
    std::optional<WireguardEndpoint> endpoint;
    std::vector<cmdline::Ipv4Cidr> allowed_ips;
    std::uint16_t keepalive_seconds = 0;
};

struct WireguardPlan {
    std::string name;
    WireguardKey private_key{};
    std::optional<std::uint16_t> listen_port;
    cmdline::Ipv4Cidr address;
    std::vector<WireguardPeerPlan> peers;
    std::vector<cmdline::Ipv4Cidr> routes;
    std::vector<std::string> notes;  // routes left out, and why
};

// `endpoints[i]` is the address peer i's endpoint host resolved to (none:
// the peer has no endpoint=). Throws std::invalid_argument for a key that
// is not 32 bytes of base 64 (cmdline/ lets none through).
WireguardPlan plan_wireguard(const cmdline::WireguardConfig& config,
                             const std::vector<std::optional<std::uint32_t>>& endpoints);

// Appends to `msg` (a WG_CMD_SET_DEVICE request of the "wireguard" generic
// netlink family, header already put) the attributes that make the device
// what `plan` says, replacing any peers and allowed IPs it had. Throws
// std::runtime_error when the message has no room left.
void put_wireguard_device(nl_msg* msg, const WireguardPlan& plan);

}  // namespace b2c::netcfg
