// Name resolution with a time limit: getaddrinfo(3) has none of its own, and
// a boot must not hang on a DNS server that never answers.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace b2c::netcfg {

class ResolveError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Every IPv4 address of `host` (host order, in the resolver's order, without
// duplicates). A dotted quad is returned as is, without asking DNS. Throws
// ResolveError, saying why, when the name has no IPv4 address or when the
// resolver has not answered within `timeout`.
std::vector<std::uint32_t> resolve_ipv4(const std::string& host, std::chrono::milliseconds timeout);

}  // namespace b2c::netcfg
