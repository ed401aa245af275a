#include "netcfg/lease_keeper.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "common/guarded.h"

#include "common/ipv4_text.h"
#include "netcfg/lease_apply.h"
#include "netcfg/network.h"
#include "netcfg/renewal_socket.h"

namespace b2c::netcfg {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::uint32_t broadcast_address = 0xffffffff;
// Each DHCPDISCOVER round after a NAK or an expiry; the keeper then logs
// that it is still trying and starts another.
constexpr seconds rediscovery_round{60};

UniqueFd make_eventfd()
{
    UniqueFd fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!fd)
        throw NetworkError(fmt::format("cannot create an eventfd for the DHCP lease keeper: {}", error_text(errno)));
    return fd;
}

// One renewal: its socket, its transaction id and its requests.
class Renewal {
public:
    Renewal(const std::string& interface, std::uint32_t xid, LeaseClock::time_point start)
        : socket_(interface), xid_(xid), start_(start)
    {
    }

    int fd() const { return socket_.fd(); }
    std::optional<LeaseClock::time_point> last_request() const { return last_request_; }

    // RENEWING: unicast to the lease's server; REBINDING: broadcast.
    void send(const DhcpLease& lease, LeasePhase phase, const std::string& host_name, LeaseClock::time_point now)
    {
        const bool renewing = phase == LeasePhase::renewing;
        auto request = make_renewal_request(xid_, lease.mac, host_name, lease.address);
        request.secs = static_cast<std::uint16_t>(
            std::min<long>(std::chrono::duration_cast<seconds>(now - start_).count(), 0xffff));
        const auto to = renewing ? lease.server : broadcast_address;
        // Retransmissions at debug level; the first request of each phase at info.
        const bool first_of_phase = !last_request_ || (!renewing && *last_request_ < rebinding_deadline(lease));
        spdlog::log(first_of_phase ? spdlog::level::info : spdlog::level::debug,
                    "DHCP: {}: {} {} with {} (xid 0x{:08x})", lease.interface, renewing ? "renewing" : "rebinding",
                    ipv4_to_string(lease.address), renewing ? ipv4_to_string(to) : std::string("any server"), xid_);
        try {
            socket_.send(to, encode_dhcp(request));
        } catch (const NetworkError& error) {
            spdlog::warn("DHCP: {}", error.what());  // the next request may get through
        }
        last_request_ = now;
    }

    // The ACK or NAK to our requests among the datagrams waiting, if any.
    std::optional<DhcpMessage> answer(const DhcpLease& lease)
    {
        for (auto datagram = socket_.receive(); !datagram.empty(); datagram = socket_.receive()) {
            DhcpMessage reply;
            try {
                reply = decode_dhcp(datagram);
            } catch (const DhcpDecodeError& error) {
                spdlog::debug("DHCP: {}: ignoring a malformed message: {}", lease.interface, error.what());
                continue;
            }
            if (reply.op != bootp_reply || reply.xid != xid_ || reply.chaddr != lease.mac)
                continue;
            if (reply.type == DhcpMessageType::nak || (reply.type == DhcpMessageType::ack && reply.yiaddr != 0))
                return reply;
        }
        return std::nullopt;
    }

private:
    RenewalSocket socket_;
    std::uint32_t xid_;
    LeaseClock::time_point start_;
    std::optional<LeaseClock::time_point> last_request_;
};

}  // namespace

LeaseKeeper::LeaseKeeper(DhcpLease lease, LeaseKeeperSettings settings)
    : settings_(std::move(settings)), stop_fd_(make_eventfd()), status_{std::move(lease)},
      thread_([this](std::stop_token stop) {
          run_guarded(fmt::format("the DHCP lease keeper of {}", status().lease.interface),
                      [&] { run(std::move(stop)); });
      })
{
}

LeaseKeeper::~LeaseKeeper() = default;

std::string LeaseKeeper::host_name() const
{
    return settings_.host_name.value_or(current_host_name());
}

LeaseKeeperStatus LeaseKeeper::status() const
{
    std::lock_guard lock(mutex_);
    return status_;
}

void LeaseKeeper::run(std::stop_token stop)
{
    // The eventfd wakes every poll of this thread, acquire_lease's included.
    std::stop_callback wake(stop, [this] {
        std::uint64_t one = 1;
        [[maybe_unused]] auto written = ::write(stop_fd_.get(), &one, sizeof one);
    });
    while (!stop.stop_requested()) {
        // A failure is not the end: the keeper tries again later.
        if (!run_guarded(fmt::format("DHCP: keeping the lease of {}", status().lease.interface), [&] { keep(stop); }))
            run_guarded("DHCP: waiting to try again", [&] { wait(LeaseClock::now() + settings_.minimum_wait, -1); });
    }
}

bool LeaseKeeper::wait(LeaseClock::time_point until, int fd) const
{
    int timeout = -1;
    if (until != LeaseClock::time_point::max()) {
        auto left = std::chrono::ceil<milliseconds>(until - LeaseClock::now()).count();
        timeout = static_cast<int>(std::clamp<milliseconds::rep>(left, 0, INT_MAX));
    }
    pollfd fds[2] = {{stop_fd_.get(), POLLIN, 0}, {fd, POLLIN, 0}};
    int ready = poll(fds, 2, timeout);
    if (ready < 0 && errno != EINTR)
        throw NetworkError(fmt::format("waiting in the DHCP lease keeper failed: {}", error_text(errno)));
    return ready > 0 && (fds[0].revents & POLLIN) == 0 && (fds[1].revents & POLLIN) != 0;
}

void LeaseKeeper::keep(const std::stop_token& stop)
{
    RouteSocket netlink;
    std::mt19937 random(std::random_device{}());
    DhcpLease lease = status().lease;
    if (!status().has_address) {
        // A NAK or an expiry, then an error before the next lease.
        auto again = rediscover(stop, netlink, lease);
        if (!again)
            return;
        lease = *again;
    }
    if (is_infinite(lease))
        spdlog::info("DHCP: {}: the lease of {} never ends: nothing to renew", lease.interface,
                     ipv4_to_string(lease.address));

    std::optional<Renewal> renewal;  // from T1 to the ACK, the NAK or the end of the lease
    while (!stop.stop_requested()) {
        const auto now = LeaseClock::now();
        const auto plan =
            plan_renewal(lease, now, renewal ? renewal->last_request() : std::nullopt, settings_.minimum_wait);
        update([&](LeaseKeeperStatus& status) { status.phase = plan.phase; });

        if (plan.phase == LeasePhase::bound || plan.phase == LeasePhase::infinite) {
            renewal.reset();
            wait(plan.wake, -1);
            continue;
        }
        if (plan.phase == LeasePhase::expired) {
            spdlog::warn("DHCP: {}: the lease of {} ended without an answer from any server", lease.interface,
                         ipv4_to_string(lease.address));
            update([](LeaseKeeperStatus& status) { ++status.expiries; });
            renewal.reset();
            auto again = replace(stop, netlink, lease);
            if (!again)
                return;
            lease = *again;
            continue;
        }

        if (!renewal)
            renewal.emplace(lease.interface, static_cast<std::uint32_t>(random()), now);
        if (plan.send_request) {
            renewal->send(lease, plan.phase, host_name(), now);
            update([](LeaseKeeperStatus& status) { ++status.requests; });
        }
        if (!wait(plan.wake, renewal->fd()))
            continue;
        auto reply = renewal->answer(lease);
        if (!reply)
            continue;

        if (reply->type == DhcpMessageType::nak) {
            spdlog::warn("DHCP: {}: {} refused to extend the lease of {}", lease.interface,
                         ipv4_to_string(reply->server_id.value_or(0)), ipv4_to_string(lease.address));
            update([](LeaseKeeperStatus& status) { ++status.naks; });
            renewal.reset();
            auto again = replace(stop, netlink, lease);
            if (!again)
                return;
            lease = *again;
            continue;
        }
        auto extended = extended_lease(lease, *reply, *renewal->last_request());
        if (!same_configuration(lease, extended)) {
            spdlog::info("DHCP: {}: the renewed lease changed the configuration: applying it", lease.interface);
            if (extended.address != lease.address || extended.prefix_length != lease.prefix_length)
                withdraw_lease(netlink, lease);
            apply_lease(netlink, extended, settings_.resolv_conf, settings_.nameservers_first);
        }
        spdlog::info("DHCP: {} {} {} for {} s", lease.interface,
                     plan.phase == LeasePhase::renewing ? "renewed" : "rebound", ipv4_to_string(extended.address),
                     extended.lease_seconds);
        lease = extended;
        update([&](LeaseKeeperStatus& status) {
            status.lease = lease;
            ++status.renewals;
        });
        renewal.reset();
    }
}

std::optional<DhcpLease> LeaseKeeper::replace(const std::stop_token& stop, RouteSocket& netlink, const DhcpLease& lost)
{
    update([](LeaseKeeperStatus& status) { status.has_address = false; });
    withdraw_lease(netlink, lost);
    return rediscover(stop, netlink, lost);
}

std::optional<DhcpLease> LeaseKeeper::rediscover(const std::stop_token& stop, RouteSocket& netlink,
                                                 const DhcpLease& old)
{
    const DhcpInterface interface {
        old.interface, old.ifindex, old.mac
    };
    spdlog::info("DHCP: {}: asking for a new lease", old.interface);
    while (!stop.stop_requested()) {
        auto lease =
            acquire_lease({interface}, rediscovery_round, host_name(), settings_.retransmission, stop_fd_.get());
        if (lease) {
            apply_lease(netlink, *lease, settings_.resolv_conf, settings_.nameservers_first);
            spdlog::info("DHCP: {} leased {}/{} from {} for {} s", lease->interface, ipv4_to_string(lease->address),
                         lease->prefix_length, ipv4_to_string(lease->server), lease->lease_seconds);
            update([&](LeaseKeeperStatus& status) {
                status.lease = *lease;
                status.has_address = true;
                ++status.rediscoveries;
            });
            return lease;
        }
        if (!stop.stop_requested())
            spdlog::warn("DHCP: {}: no new lease after {} s, still asking", old.interface, rediscovery_round.count());
    }
    return std::nullopt;
}

}  // namespace b2c::netcfg
