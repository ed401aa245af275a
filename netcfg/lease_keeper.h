// Keeps a DHCP lease for as long as the machine runs: a background thread
// renews it at T1 (unicast to its server), rebinds at T2 (broadcast), and,
// on a DHCPNAK or when the lease ends, removes the address and asks for a
// new lease by DHCPDISCOVER until it gets one (RFC 2131 4.4.5).
#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "cmdline/config.h"
#include "netcfg/dhcp_client.h"
#include "netcfg/dhcp_lease.h"
#include "netcfg/lease_schedule.h"
#include "netcfg/netlink.h"
#include "common/unique_fd.h"

namespace b2c::netcfg {

struct LeaseKeeperSettings {
    std::filesystem::path resolv_conf = "/etc/resolv.conf";
    // Written before the lease's DNS servers (b2c.iface's nameserver=).
    std::vector<cmdline::Ipv4Address> nameservers_first;
    // Sent in option 12; nothing means the machine's host name at the time
    // of each request (b2c.extra_args_url may change it after the boot).
    std::optional<std::string> host_name;
    // The shortest wait between two DHCPREQUESTs of a renewal (RFC 2131
    // 4.4.5 says 60 s; the host tests use 1 s).
    std::chrono::milliseconds minimum_wait{60000};
    // The DHCPDISCOVERs after a NAK or the end of the lease.
    DhcpRetransmission retransmission{};
};

// What the keeper did so far, for logs and tests.
struct LeaseKeeperStatus {
    DhcpLease lease;  // the current lease, or the last one while it has none
    LeasePhase phase = LeasePhase::bound;
    bool has_address = true;  // false from a NAK or the end of a lease to the next lease
    int requests = 0;         // DHCPREQUESTs sent to renew or rebind
    int renewals = 0;         // DHCPACKs to those
    int naks = 0;
    int expiries = 0;
    int rediscoveries = 0;  // new leases got by DHCPDISCOVER
};

class LeaseKeeper {
public:
    // `lease` must already be applied (configure_dhcp_on did). The thread
    // starts at once.
    LeaseKeeper(DhcpLease lease, LeaseKeeperSettings settings);
    // Stops the thread: it returns within a few milliseconds.
    ~LeaseKeeper();
    LeaseKeeper(const LeaseKeeper&) = delete;
    LeaseKeeper& operator=(const LeaseKeeper&) = delete;

    LeaseKeeperStatus status() const;

private:
    void run(std::stop_token stop);
    void keep(const std::stop_token& stop);
    // After a NAK or the end of the lease: removes its address, then
    // rediscover().
    std::optional<DhcpLease> replace(const std::stop_token& stop, RouteSocket& netlink, const DhcpLease& lost);
    // DHCPDISCOVER until a lease comes (applied and returned) or the keeper
    // stops (nothing).
    std::optional<DhcpLease> rediscover(const std::stop_token& stop, RouteSocket& netlink, const DhcpLease& old);
    // Until `until`, a stop, or `fd` (if not -1) readable; true in that last case.
    bool wait(LeaseClock::time_point until, int fd) const;
    std::string host_name() const;  // for option 12
    template <typename Change>
    void update(Change change)
    {
        std::lock_guard lock(mutex_);
        change(status_);
    }

    LeaseKeeperSettings settings_;
    UniqueFd stop_fd_;  // an eventfd, readable once the keeper stops
    mutable std::mutex mutex_;
    LeaseKeeperStatus status_;
    std::jthread thread_;  // last: it starts once the rest exists and is joined first
};

}  // namespace b2c::netcfg
