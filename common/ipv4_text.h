// Dotted-quad text of IPv4 addresses and netmasks, once for the whole
// project (cmdline's Ipv4Address and netcfg's logs and files).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace b2c {

std::string ipv4_to_string(std::uint32_t host_order);
std::string ipv4_list_to_string(const std::vector<std::uint32_t>& host_order, const char* separator);

// Prefix length of a contiguous netmask (255.255.255.0 -> 24); -1 if not contiguous.
int netmask_to_prefix(std::uint32_t netmask_host_order);
std::uint32_t prefix_to_netmask(int prefix_length);

}  // namespace b2c
