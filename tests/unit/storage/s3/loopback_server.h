// An HTTP server on 127.0.0.1 for the unit tests: it answers the requests
// of as many connections as it has answers (one request per connection),
// in order, and keeps each request's head.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "common/unique_fd.h"

// A listening TCP socket on 127.0.0.1, on a free port written to `port`.
inline b2c::UniqueFd listen_on_loopback(int& port)
{
    b2c::UniqueFd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    REQUIRE(::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), size) == 0);
    REQUIRE(::listen(socket.get(), 8) == 0);
    REQUIRE(::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &size) == 0);
    port = ntohs(address.sin_port);
    return socket;
}

class LoopbackServer {
public:
    explicit LoopbackServer(std::vector<std::string> answers)
        : answers_(std::move(answers)), socket_(listen_on_loopback(port_))
    {
        thread_ = std::thread([this] { serve(); });
    }
    ~LoopbackServer() { join(); }
    int port() const { return port_; }
    // The heads of the requests received, once every answer went out.
    const std::vector<std::string>& requests()
    {
        join();
        return requests_;
    }

    static std::string answer(int status, const std::string& body = "")
    {
        return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\nConnection: close\r\n\r\n" + body;
    }

private:
    void join()
    {
        if (thread_.joinable())
            thread_.join();
    }
    void serve()
    {
        for (const auto& answer : answers_) {
            b2c::UniqueFd client(::accept(socket_.get(), nullptr, nullptr));
            std::string request;
            char buffer[4096];
            while (request.find("\r\n\r\n") == std::string::npos) {
                ssize_t n = ::read(client.get(), buffer, sizeof buffer);
                if (n <= 0)
                    break;
                request.append(buffer, static_cast<std::size_t>(n));
            }
            requests_.push_back(request.substr(0, request.find("\r\n\r\n") + 2));
            (void)!::write(client.get(), answer.data(), answer.size());
        }
    }

    std::vector<std::string> answers_;
    int port_ = 0;
    b2c::UniqueFd socket_;
    std::thread thread_;
    std::vector<std::string> requests_;
};
