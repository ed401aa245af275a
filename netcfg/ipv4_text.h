// Dotted-quad text of IPv4 addresses, for logs and files (netcfg does not
// depend on cmdline's formatting).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace b2c::netcfg {

std::string ipv4_to_string(std::uint32_t host_order);
std::string ipv4_list_to_string(const std::vector<std::uint32_t>& host_order, const char* separator);

// Prefix length of a contiguous netmask (255.255.255.0 -> 24); -1 if not contiguous.
int netmask_to_prefix(std::uint32_t netmask_host_order);
std::uint32_t prefix_to_netmask(int prefix_length);

}  // namespace b2c::netcfg
