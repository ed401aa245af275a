#include "netcfg/sntp_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <random>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/errors.h"
#include "common/ipv4_text.h"
#include "netcfg/resolve_ipv4.h"
#include "common/unique_fd.h"

namespace b2c::netcfg {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

UnixTime realtime_now()
{
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return std::chrono::seconds(now.tv_sec) + nanoseconds(now.tv_nsec);
}

struct Request {
    NtpTimestamp nonce;
    UnixTime sent_real{0};   // t1 on our wall clock
    Clock::time_point sent;  // t1 on the monotonic clock, for t4
};

// One address of the peer and the requests sent to it. A late answer to an
// earlier request is as good as one to the last (a slow link is no reason
// to fail), so every request is kept.
struct Target {
    std::uint32_t address = 0;
    std::string text;
    UniqueFd fd;
    std::vector<Request> requests;
    bool finished = false;  // refused, kissed or broken: not asked again
    std::string problem;

    std::string outcome() const
    {
        if (!problem.empty())
            return problem;
        return fmt::format("no answer to {} request{}", requests.size(), requests.size() == 1 ? "" : "s");
    }
};

class Query {
public:
    Query(const SntpPeer& peer, const SntpTries& tries, Clock::time_point start)
        : peer_(peer), tries_(tries), start_(start), deadline_(start + tries.budget), random_(std::random_device{}())
    {
    }

    std::optional<SntpResult> run(const std::vector<std::uint32_t>& addresses)
    {
        for (auto address : addresses)
            targets_.push_back(Target{address, ipv4_to_string(address), {}, {}, false, {}});
        for (int round = 0; round < tries_.per_address; ++round) {
            for (auto& target : targets_) {
                if (target.finished)
                    continue;
                if (Clock::now() >= deadline_)
                    return std::nullopt;
                send(target);
                if (auto result = wait_for_answer(std::min(Clock::now() + tries_.wait, deadline_)))
                    return result;
            }
            if (std::all_of(targets_.begin(), targets_.end(), [](const Target& t) { return t.finished; }))
                break;
        }
        return std::nullopt;
    }

    std::string summary() const
    {
        std::vector<std::string> parts;
        for (const auto& target : targets_)
            parts.push_back(fmt::format("{}: {}", target.text, target.outcome()));
        return fmt::format("{}", fmt::join(parts, "; "));
    }

private:
    void send(Target& target)
    {
        if (!target.fd) {
            target.fd = UniqueFd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
            if (!target.fd)
                throw SntpError(fmt::format("cannot open a UDP socket: {}", error_text(errno)));
            sockaddr_in to{};
            to.sin_family = AF_INET;
            to.sin_port = htons(peer_.port);
            to.sin_addr.s_addr = htonl(target.address);
            // Connected: the kernel drops datagrams from anyone else, and an
            // ICMP "port unreachable" comes back as ECONNREFUSED.
            if (connect(target.fd.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
                finish(target, fmt::format("cannot reach it: {}", error_text(errno)));
                return;
            }
        }
        Request sent;
        sent.nonce = {static_cast<std::uint32_t>(random_()), static_cast<std::uint32_t>(random_())};
        auto request = encode_sntp_request(sent.nonce);
        sent.sent_real = realtime_now();
        sent.sent = Clock::now();
        target.requests.push_back(sent);
        if (::send(target.fd.get(), request.data(), request.size(), 0) < 0)
            on_socket_error(target, errno);
    }

    std::optional<SntpResult> wait_for_answer(Clock::time_point until)
    {
        while (true) {
            std::vector<pollfd> fds;
            std::vector<Target*> owners;
            for (auto& target : targets_) {
                if (target.fd && !target.finished) {
                    fds.push_back({target.fd.get(), POLLIN, 0});
                    owners.push_back(&target);
                }
            }
            auto now = Clock::now();
            if (fds.empty() || now >= until)
                return std::nullopt;
            // Rounded up, so that we do not spin on a sub-millisecond rest.
            auto left = duration_cast<milliseconds>(until - now + std::chrono::microseconds(999));
            int ready = poll(fds.data(), fds.size(), static_cast<int>(left.count()));
            if (ready < 0 && errno != EINTR)
                throw SntpError(fmt::format("poll: {}", error_text(errno)));
            for (std::size_t i = 0; ready > 0 && i < fds.size(); ++i)
                if (fds[i].revents)
                    if (auto result = receive(*owners[i]))
                        return result;
        }
    }

    std::optional<SntpResult> receive(Target& target)
    {
        std::uint8_t buffer[512];
        while (!target.finished) {
            ssize_t size = recv(target.fd.get(), buffer, sizeof buffer, 0);
            auto received = Clock::now();
            if (size < 0) {
                if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                    on_socket_error(target, errno);
                return std::nullopt;
            }
            try {
                auto bytes = std::span(buffer, static_cast<std::size_t>(size));
                const auto& request = answered_request(target, bytes);
                auto reply = decode_sntp_reply(bytes, request.nonce);
                // t4 from the monotonic clock: the wall clock may jump meanwhile.
                auto t4 = request.sent_real + duration_cast<nanoseconds>(received - request.sent);
                auto sample = compute_sntp_sample(request.sent_real, from_ntp_timestamp(reply.receive),
                                                  from_ntp_timestamp(reply.transmit), t4);
                SntpResult result;
                result.host = peer_.host;
                result.address = target.text;
                result.port = peer_.port;
                result.stratum = reply.stratum;
                result.offset = sample.offset;
                result.delay = sample.delay;
                result.elapsed = duration_cast<milliseconds>(received - start_);
                return result;
            } catch (const SntpKissOfDeath& error) {
                finish(target, error.what());  // RFC 4330: stop asking that server
            } catch (const SntpError& error) {
                target.problem = error.what();  // may be better next time
            }
        }
        return std::nullopt;
    }

    // The request whose nonce the reply carries as origin; the last one when
    // none does (decoding then refuses the reply, saying so).
    static const Request& answered_request(const Target& target, std::span<const std::uint8_t> bytes)
    {
        auto origin = sntp_origin(bytes);
        for (const auto& request : target.requests)
            if (request.nonce == origin)
                return request;
        return target.requests.back();
    }

    void on_socket_error(Target& target, int error)
    {
        if (error == ECONNREFUSED)
            finish(target, fmt::format("port {} unreachable (no NTP server there)", peer_.port));
        else
            finish(target, error_text(error));
    }

    static void finish(Target& target, std::string problem)
    {
        target.finished = true;
        target.problem = std::move(problem);
    }

    SntpPeer peer_;
    SntpTries tries_;
    Clock::time_point start_;
    Clock::time_point deadline_;
    std::mt19937 random_;
    std::vector<Target> targets_;
};

}  // namespace

SntpPeer parse_sntp_peer(std::string_view text)
{
    SntpPeer peer;
    auto colon = text.rfind(':');
    peer.host = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) {
        auto digits = text.substr(colon + 1);
        unsigned port = 0;
        auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535)
            throw SntpError(
                fmt::format("'{}' is not an NTP peer (expected HOST or HOST:PORT, PORT from 1 to 65535)", text));
        peer.port = static_cast<std::uint16_t>(port);
    }
    if (peer.host.empty())
        throw SntpError(fmt::format("'{}' is not an NTP peer (expected HOST or HOST:PORT)", text));
    return peer;
}

SntpResult query_sntp(const std::string& text, const SntpTries& tries)
{
    const auto start = Clock::now();
    auto peer = parse_sntp_peer(text);
    std::vector<std::uint32_t> addresses;
    try {
        addresses = resolve_ipv4(peer.host, tries.budget);
    } catch (const ResolveError& error) {
        throw SntpError(error.what());
    }
    Query query(peer, tries, start);
    if (auto result = query.run(addresses))
        return *result;
    auto elapsed = duration_cast<milliseconds>(Clock::now() - start);
    throw SntpError(fmt::format("no valid NTP reply from {} (port {}) in {} ms: {}", peer.host, peer.port,
                                elapsed.count(), query.summary()));
}

std::chrono::nanoseconds step_clock(std::chrono::nanoseconds offset)
{
    timespec real_before{}, mono_before{}, real_after{}, mono_after{};
    clock_gettime(CLOCK_MONOTONIC, &mono_before);
    clock_gettime(CLOCK_REALTIME, &real_before);
    auto target = std::chrono::seconds(real_before.tv_sec) + nanoseconds(real_before.tv_nsec) + offset;
    auto whole = std::chrono::floor<std::chrono::seconds>(target);
    timespec wanted{static_cast<time_t>(whole.count()), static_cast<long>((target - whole).count())};
    if (clock_settime(CLOCK_REALTIME, &wanted) != 0)
        throw SntpError(fmt::format("cannot set the clock: {}", error_text(errno)));
    clock_gettime(CLOCK_REALTIME, &real_after);
    clock_gettime(CLOCK_MONOTONIC, &mono_after);
    auto span = [](const timespec& a, const timespec& b) {
        return std::chrono::seconds(b.tv_sec - a.tv_sec) + nanoseconds(b.tv_nsec - a.tv_nsec);
    };
    return span(real_before, real_after) - span(mono_before, mono_after);
}

}  // namespace b2c::netcfg
