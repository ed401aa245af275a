#include <catch2/catch.hpp>

#include <chrono>

#include "loopback_server.h"
#include "storage/s3/transfer_engine.h"

using namespace b2c::s3;

namespace {

EngineOptions quick(unsigned attempts)
{
    EngineOptions options;
    options.attempts = attempts;
    options.first_retry_delay = std::chrono::milliseconds(50);
    options.secrets = {"TOPSECRET"};
    return options;
}

Outcome get(TransferEngine& engine, const std::string& url)
{
    Outcome result;
    Transfer transfer;
    transfer.request.url = url;
    transfer.done = [&](Outcome& outcome) { result = std::move(outcome); };
    engine.add(std::move(transfer));
    engine.run();
    return result;
}

std::string url_of(const LoopbackServer& server)
{
    return "http://127.0.0.1:" + std::to_string(server.port()) + "/bkt/key";
}

}  // namespace

TEST_CASE("5xx and 429 answers are retried, with a growing delay")
{
    LoopbackServer server(
        {LoopbackServer::answer(503), LoopbackServer::answer(429), LoopbackServer::answer(200, "body")});
    TransferEngine engine({"AK", "TOPSECRET"}, quick(5));
    auto start = std::chrono::steady_clock::now();
    auto outcome = get(engine, url_of(server));
    auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(outcome.ok);
    CHECK(outcome.body == "body");
    CHECK(server.requests().size() == 3);
    CHECK(elapsed >= std::chrono::milliseconds(150));  // 50 ms, then 100 ms
}

TEST_CASE("an S3 error that will not pass is not retried, and says why")
{
    LoopbackServer server({LoopbackServer::answer(
        403, "<Error><Code>AccessDenied</Code><Message>key TOPSECRET refused</Message></Error>")});
    TransferEngine engine({"AK", "TOPSECRET"}, quick(5));
    auto outcome = get(engine, url_of(server));
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.status == 403);
    CHECK(outcome.s3_code == "AccessDenied");
    CHECK(outcome.error == "HTTP 403 AccessDenied: key *** refused");
    CHECK(server.requests().size() == 1);
}

TEST_CASE("an S3 error without a message is its code alone")
{
    // What Ceph's RGW (16.2) answers to a wrong signature.
    LoopbackServer server({LoopbackServer::answer(
        403, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch</Code><Message></Message>"
             "<RequestId>tx00000c309a6b5511c27dd-006b0d5aa1-100d-default</RequestId>"
             "<HostId>100d-default-default</HostId></Error>")});
    TransferEngine engine({"AK", "TOPSECRET"}, quick(5));
    auto outcome = get(engine, url_of(server));
    CHECK(outcome.s3_code == "SignatureDoesNotMatch");
    CHECK(outcome.error == "HTTP 403 SignatureDoesNotMatch");
}

TEST_CASE("the attempts are bounded, and the error says how many were made")
{
    LoopbackServer server({LoopbackServer::answer(500), LoopbackServer::answer(502)});
    TransferEngine engine({"AK", "SK"}, quick(2));
    auto outcome = get(engine, url_of(server));
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.error == "HTTP 502 (after 2 attempts)");
}

TEST_CASE("nobody listening is a connection error, retried")
{
    int port = 0;
    {
        LoopbackServer closed({});
        port = closed.port();
    }
    TransferEngine engine({"AK", "SK"}, quick(3));
    auto outcome = get(engine, "http://127.0.0.1:" + std::to_string(port) + "/bkt/key");
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.status == 0);
    CHECK_THAT(outcome.error, Catch::Contains("after 3 attempts"));
}

TEST_CASE("a 200 answer holding an S3 error document is a failure")
{
    LoopbackServer server({LoopbackServer::answer(200, "<Error><Code>InternalError</Code><Message>m</Message></Error>"),
                           LoopbackServer::answer(200, "<CompleteMultipartUploadResult/>")});
    TransferEngine engine({"AK", "SK"}, quick(3));
    auto outcome = get(engine, url_of(server));
    CHECK(outcome.ok);
    CHECK(server.requests().size() == 2);
}

TEST_CASE("no more than max_in_flight requests at once, all of them done")
{
    std::vector<std::string> answers(10, LoopbackServer::answer(200));
    LoopbackServer server(answers);
    auto options = quick(1);
    options.max_in_flight = 3;
    TransferEngine engine({"AK", "SK"}, options);
    int started = 0, done = 0, most_at_once = 0;
    for (int i = 0; i < 10; ++i) {
        Transfer transfer;
        transfer.request.url = url_of(server);
        transfer.prepare = [&](Request&) { most_at_once = std::max(most_at_once, ++started - done); };
        transfer.done = [&](Outcome& outcome) { done += outcome.ok; };
        engine.add(std::move(transfer));
    }
    engine.run();
    CHECK(done == 10);
    CHECK(most_at_once == 3);
}

namespace {

// One kept-alive connection that answers `count` GETs the way RGW's default
// frontend does: the headers in one write, the body in another, Nagle's
// rule on (no TCP_NODELAY), so the body waits for the headers' ACK.
class SplitAnswerServer {
public:
    explicit SplitAnswerServer(int count) : count_(count), socket_(listen_on_loopback(port_))
    {
        thread_ = std::thread([this] { serve(); });
    }
    ~SplitAnswerServer() { thread_.join(); }
    int port() const { return port_; }

private:
    void serve()
    {
        b2c::UniqueFd client(::accept(socket_.get(), nullptr, nullptr));
        const std::string body(4096, 'x');
        const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n";
        std::string pending;
        for (int answered = 0; answered < count_;) {
            auto end = pending.find("\r\n\r\n");
            if (end == std::string::npos) {
                char buffer[4096];
                ssize_t n = ::read(client.get(), buffer, sizeof buffer);
                if (n <= 0)
                    return;
                pending.append(buffer, static_cast<std::size_t>(n));
                continue;
            }
            pending.erase(0, end + 4);
            (void)!::write(client.get(), head.data(), head.size());
            (void)!::write(client.get(), body.data(), body.size());
            ++answered;
        }
    }

    int count_;
    int port_ = 0;
    b2c::UniqueFd socket_;
    std::thread thread_;
};

}  // namespace

TEST_CASE("a small body that the server holds back until its headers are acknowledged does not wait 40 ms")
{
    constexpr int gets = 20;
    SplitAnswerServer server(gets);
    EngineOptions options = quick(1);
    options.max_in_flight = 1;  // one connection, one request at a time: RGW's worst case
    TransferEngine engine({"AK", "TOPSECRET"}, options);
    int ok = 0;
    for (int i = 0; i < gets; ++i) {
        Transfer transfer;
        transfer.request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/bkt/key" + std::to_string(i);
        transfer.done = [&](Outcome& outcome) { ok += outcome.ok && outcome.body.size() == 4096; };
        engine.add(std::move(transfer));
    }
    auto start = std::chrono::steady_clock::now();
    engine.run();
    auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(ok == gets);
    // Linux delays an ACK by 40 ms at least: waiting for it on half of the
    // answers would take this long.
    CHECK(elapsed < gets / 2 * std::chrono::milliseconds(40));
}
