#include "netcfg/dhcp_client.h"

#include <poll.h>

#include <algorithm>
#include <memory>
#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "common/ipv4_text.h"
#include "netcfg/network.h"
#include "netcfg/packet_socket.h"
#include "netcfg/udp_frame.h"

namespace b2c::netcfg {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr MacAddress broadcast_mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

class Exchange {
public:
    Exchange(const DhcpInterface& interface, const std::string& host_name, const DhcpRetransmission& retransmission,
             std::mt19937& random, Clock::time_point start)
        : interface_(interface), host_name_(host_name), retransmission_(retransmission), random_(random), start_(start),
          socket_(interface.name, interface.ifindex)
    {
        restart();
    }

    int fd() const { return socket_.fd(); }
    const std::string& name() const { return interface_.name; }
    Clock::time_point next_send() const { return next_send_; }

    void on_timer(Clock::time_point now)
    {
        if (now < next_send_)
            return;
        if (offer_ && requests_sent_ >= retransmission_.requests_before_restart) {
            spdlog::info("DHCP: {}: no answer to DHCPREQUEST from {}, starting over", name(),
                         ipv4_to_string(*offer_->server_id));
            restart();
        }
        send(now);
        next_send_ = now + jittered(interval_);
        interval_ = std::min(interval_ * 2, retransmission_.maximum);
    }

    // The lease once the ACK came.
    std::optional<DhcpLease> on_readable(Clock::time_point now)
    {
        for (auto frame = socket_.receive(); !frame.empty(); frame = socket_.receive()) {
            auto lease = handle(frame, now);
            if (lease)
                return lease;
        }
        return std::nullopt;
    }

private:
    void restart()
    {
        xid_ = static_cast<std::uint32_t>(random_());
        offer_.reset();
        requests_sent_ = 0;
        sent_ = 0;
        interval_ = retransmission_.first;
        next_send_ = Clock::now();
    }

    milliseconds jittered(milliseconds interval)
    {
        // RFC 2131 4.1: randomize by up to a second (here a tenth of the wait)
        // so that machines booted together do not stay in step.
        auto spread = std::max<milliseconds::rep>(interval.count() / 10, 1);
        std::uniform_int_distribution<milliseconds::rep> jitter(-spread, spread);
        return interval + milliseconds(jitter(random_));
    }

    void send(Clock::time_point now)
    {
        DhcpMessage message = offer_ ? make_request(xid_, interface_.mac, host_name_, *offer_)
                                     : make_discover(xid_, interface_.mac, host_name_);
        message.secs = static_cast<std::uint16_t>(
            std::min<long>(std::chrono::duration_cast<std::chrono::seconds>(now - start_).count(), 0xffff));
        UdpEndpoints endpoints{interface_.mac, broadcast_mac, 0, 0xffffffffu, dhcp_client_port, dhcp_server_port};
        auto frame = build_udp_frame(endpoints, encode_dhcp(message));
        bool first_of_its_kind = offer_ ? requests_sent_ == 0 : sent_ == 0;
        auto log_level = first_of_its_kind ? spdlog::level::info : spdlog::level::debug;
        spdlog::log(log_level, "DHCP: {}: sending {}{} (xid 0x{:08x})", name(), to_string(*message.type),
                    offer_ ? " for " + ipv4_to_string(offer_->yiaddr) : std::string(), xid_);
        try {
            socket_.send_broadcast(frame);
        } catch (const NetworkError& error) {
            spdlog::warn("DHCP: {}", error.what());  // no carrier yet, say: the next try may work
        }
        ++sent_;
        if (offer_) {
            ++requests_sent_;
            last_request_sent_ = now;
        }
    }

    std::optional<DhcpLease> handle(std::span<const std::uint8_t> frame, Clock::time_point now)
    {
        auto udp = parse_udp_frame(frame);
        if (!udp || udp->endpoints.destination_port != dhcp_client_port ||
            udp->endpoints.source_port != dhcp_server_port)
            return std::nullopt;
        DhcpMessage reply;
        try {
            reply = decode_dhcp(udp->payload);
        } catch (const DhcpDecodeError& error) {
            spdlog::debug("DHCP: {}: ignoring a malformed message: {}", name(), error.what());
            return std::nullopt;
        }
        if (reply.op != bootp_reply || reply.xid != xid_ || reply.chaddr != interface_.mac)
            return std::nullopt;

        if (!offer_ && reply.type == DhcpMessageType::offer) {
            if (reply.yiaddr == 0 || !reply.server_id) {
                spdlog::debug("DHCP: {}: ignoring an offer without address or server id", name());
                return std::nullopt;
            }
            spdlog::info("DHCP: {}: {} offered by {} after {} ms", name(), ipv4_to_string(reply.yiaddr),
                         ipv4_to_string(*reply.server_id), duration_cast<milliseconds>(now - start_).count());
            offer_ = reply;
            interval_ = retransmission_.first;
            send(now);
            next_send_ = now + jittered(interval_);
            interval_ = std::min(interval_ * 2, retransmission_.maximum);
            return std::nullopt;
        }
        if (!offer_ || (reply.server_id && reply.server_id != offer_->server_id))
            return std::nullopt;
        if (reply.type == DhcpMessageType::nak) {
            spdlog::warn("DHCP: {}: {} refused {}, starting over", name(), ipv4_to_string(*offer_->server_id),
                         ipv4_to_string(offer_->yiaddr));
            restart();
            return std::nullopt;
        }
        if (reply.type != DhcpMessageType::ack || reply.yiaddr == 0)
            return std::nullopt;
        return lease_from(reply, now);
    }

    DhcpLease lease_from(const DhcpMessage& ack, Clock::time_point now) const
    {
        DhcpLease lease;
        lease.interface = interface_.name;
        lease.ifindex = interface_.ifindex;
        lease.mac = interface_.mac;
        lease.address = ack.yiaddr;
        lease.prefix_length = lease_prefix_length(ack.subnet_mask ? ack : *offer_, ack.yiaddr);
        lease.routers = ack.routers.empty() ? offer_->routers : ack.routers;
        lease.dns_servers = ack.dns_servers.empty() ? offer_->dns_servers : ack.dns_servers;
        lease.domain = ack.domain_name.empty() ? offer_->domain_name : ack.domain_name;
        lease.server = ack.server_id.value_or(*offer_->server_id);
        set_lease_times(lease, ack.lease_time ? ack : *offer_);
        // The ACK answers the latest REQUEST (retransmissions are seconds apart).
        lease.acquired = last_request_sent_;
        lease.time_to_lease = duration_cast<milliseconds>(now - start_);
        return lease;
    }

    DhcpInterface interface_;
    std::string host_name_;
    DhcpRetransmission retransmission_;
    std::mt19937& random_;
    Clock::time_point start_;
    DhcpPacketSocket socket_;

    std::uint32_t xid_ = 0;
    std::optional<DhcpMessage> offer_;
    int requests_sent_ = 0;
    int sent_ = 0;
    Clock::time_point last_request_sent_;
    milliseconds interval_{0};
    Clock::time_point next_send_;
};

}  // namespace

int lease_prefix_length(const DhcpMessage& message, std::uint32_t address)
{
    if (message.subnet_mask) {
        int prefix = netmask_to_prefix(*message.subnet_mask);
        if (prefix > 0)
            return prefix;
        spdlog::warn("DHCP: ignoring the non-contiguous netmask {}", ipv4_to_string(*message.subnet_mask));
    }
    if (address >> 31 == 0)
        return 8;
    if (address >> 30 == 2)
        return 16;
    return 24;
}

std::optional<DhcpLease> acquire_lease(const std::vector<DhcpInterface>& interfaces, milliseconds timeout,
                                       const std::string& host_name, const DhcpRetransmission& retransmission,
                                       int cancel_fd)
{
    const auto start = Clock::now();
    const auto deadline = start + timeout;
    std::mt19937 random(std::random_device{}());

    std::vector<std::unique_ptr<Exchange>> exchanges;
    for (const auto& interface : interfaces) {
        try {
            exchanges.push_back(std::make_unique<Exchange>(interface, host_name, retransmission, random, start));
        } catch (const NetworkError& error) {
            spdlog::warn("DHCP: {}", error.what());
        }
    }
    if (exchanges.empty())
        return std::nullopt;

    // One entry per exchange, then the cancel fd (ignored by poll when -1).
    std::vector<pollfd> fds(exchanges.size() + 1);
    fds.back() = pollfd{cancel_fd, POLLIN, 0};
    for (auto now = Clock::now(); now < deadline; now = Clock::now()) {
        auto wake = deadline;
        for (std::size_t i = 0; i < exchanges.size(); ++i) {
            exchanges[i]->on_timer(now);
            wake = std::min(wake, exchanges[i]->next_send());
            fds[i] = pollfd{exchanges[i]->fd(), POLLIN, 0};
        }
        auto wait = std::chrono::ceil<milliseconds>(wake - now);
        int ready = poll(fds.data(), fds.size(), static_cast<int>(std::max<milliseconds::rep>(wait.count(), 0)));
        if (ready < 0 && errno != EINTR)
            throw NetworkError(fmt::format("waiting for DHCP answers failed: {}", error_text(errno)));
        if (ready > 0 && (fds.back().revents & POLLIN))
            return std::nullopt;
        for (std::size_t i = 0; ready > 0 && i < exchanges.size(); ++i) {
            if (fds[i].revents & POLLIN) {
                if (auto lease = exchanges[i]->on_readable(Clock::now()))
                    return lease;
            }
        }
    }
    return std::nullopt;
}

}  // namespace b2c::netcfg
