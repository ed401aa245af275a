// The text of resolv.conf and of the kernel's /proc/net/pnp. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace b2c::netcfg {

std::string resolv_conf_text(const std::vector<std::uint32_t>& nameservers, const std::string& domain);

// The "nameserver X" lines of /proc/net/pnp (0.0.0.0 means none).
std::vector<std::uint32_t> parse_pnp_nameservers(std::string_view pnp);

}  // namespace b2c::netcfg
