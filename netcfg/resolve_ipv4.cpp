#include "netcfg/resolve_ipv4.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>

namespace b2c::netcfg {
namespace {

// What the resolver thread hands back; shared, because the thread may
// outlive the caller that gave up waiting.
struct Lookup {
    std::mutex mutex;
    std::condition_variable done_changed;
    bool done = false;
    int status = 0;
    std::vector<std::uint32_t> addresses;
};

void run_lookup(const std::string& host, Lookup& lookup)
{
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    int status = getaddrinfo(host.c_str(), nullptr, &hints, &found);
    std::vector<std::uint32_t> addresses;
    for (auto* entry = found; status == 0 && entry; entry = entry->ai_next) {
        auto address = ntohl(reinterpret_cast<const sockaddr_in*>(entry->ai_addr)->sin_addr.s_addr);
        if (std::find(addresses.begin(), addresses.end(), address) == addresses.end())
            addresses.push_back(address);
    }
    if (found)
        freeaddrinfo(found);
    std::lock_guard lock(lookup.mutex);
    lookup.status = status;
    lookup.addresses = std::move(addresses);
    lookup.done = true;
    lookup.done_changed.notify_all();
}

}  // namespace

std::vector<std::uint32_t> resolve_ipv4(const std::string& host, std::chrono::milliseconds timeout)
{
    in_addr numeric{};
    if (inet_pton(AF_INET, host.c_str(), &numeric) == 1)
        return {ntohl(numeric.s_addr)};

    auto lookup = std::make_shared<Lookup>();
    // Detached: getaddrinfo cannot be interrupted, so a resolver that hangs
    // keeps its thread until the C library's own timeouts end it; we only
    // stop waiting for it.
    std::thread([host, lookup] { run_lookup(host, *lookup); }).detach();

    std::unique_lock lock(lookup->mutex);
    if (!lookup->done_changed.wait_for(lock, timeout, [&] { return lookup->done; }))
        throw ResolveError(fmt::format("cannot resolve {}: no answer from DNS within {} ms", host, timeout.count()));
    if (lookup->status != 0)
        throw ResolveError(fmt::format("cannot resolve {}: {}", host, gai_strerror(lookup->status)));
    if (lookup->addresses.empty())
        throw ResolveError(fmt::format("cannot resolve {}: no IPv4 address", host));
    return lookup->addresses;
}

}  // namespace b2c::netcfg
