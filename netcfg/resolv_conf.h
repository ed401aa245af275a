// The text of resolv.conf and of the kernel's /proc/net/pnp. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace b2c::netcfg {

// `domain` is one domain name or several separated by spaces, written on
// the search line; when any of them is not a domain name (it came from a
// DHCP server we do not trust), the search line is left out.
std::string resolv_conf_text(const std::vector<std::uint32_t>& nameservers, const std::string& domain);

// RFC 1035 (with RFC 2181's relaxation of '_'): labels of 1-63 letters,
// digits, '-' or '_', not starting or ending with '-', 253 characters at
// most, an optional final dot.
bool is_valid_domain_name(std::string_view name);

// The "nameserver X" lines of /proc/net/pnp (0.0.0.0 means none).
std::vector<std::uint32_t> parse_pnp_nameservers(std::string_view pnp);

}  // namespace b2c::netcfg
