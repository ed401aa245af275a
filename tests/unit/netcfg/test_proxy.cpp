// b2c.proxy's effect: the variables libcurl and podman read, set in our
// environment (the children we start inherit it), and unset without a proxy.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "common/run_command.h"
#include "netcfg/proxy.h"

using namespace b2c::netcfg;
using b2c::cmdline::ProxyConfig;

namespace {

std::optional<std::string> env(const char* name)
{
    const char* value = std::getenv(name);
    return value ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace

TEST_CASE("proxy_environment: each proxy under both spellings, no_proxy comma-separated")
{
    ProxyConfig proxy{"http://u:p@10.42.0.1:8080", "", {"localhost", ".lan"}};
    using Vars = std::vector<EnvironmentVariable>;
    CHECK(proxy_environment(proxy) == Vars{{"https_proxy", "http://u:p@10.42.0.1:8080"},
                                           {"HTTPS_PROXY", "http://u:p@10.42.0.1:8080"},
                                           {"http_proxy", std::nullopt},
                                           {"HTTP_PROXY", std::nullopt},
                                           {"no_proxy", "localhost,.lan"},
                                           {"NO_PROXY", "localhost,.lan"}});
    for (const auto& variable : proxy_environment(std::nullopt))
        CHECK_FALSE(variable.value);
}

TEST_CASE("use_proxy sets our environment, which podman and libcurl read, and a later call replaces it")
{
    use_proxy(ProxyConfig{"http://10.0.2.100:8080", "http://10.0.2.100:8080", {}});
    CHECK(env("https_proxy") == "http://10.0.2.100:8080");
    CHECK(env("HTTPS_PROXY") == "http://10.0.2.100:8080");
    CHECK(env("http_proxy") == "http://10.0.2.100:8080");
    CHECK(env("HTTP_PROXY") == "http://10.0.2.100:8080");
    CHECK_FALSE(env("no_proxy"));
    // What podman is started with (run_command: our environment).
    b2c::Command command;
    command.argv = {"sh", "-c", "echo \"$https_proxy $HTTP_PROXY\""};
    command.log_command = false;
    auto child = b2c::run_command(command);
    CHECK(child.output == "http://10.0.2.100:8080 http://10.0.2.100:8080\n");
    // The extra-args file's proxy replaces the command line's, whole.
    use_proxy(ProxyConfig{"http://other:3128", "", {"registry.lan"}});
    CHECK(env("https_proxy") == "http://other:3128");
    CHECK_FALSE(env("http_proxy"));
    CHECK_FALSE(env("HTTP_PROXY"));
    CHECK(env("NO_PROXY") == "registry.lan");
    use_proxy(std::nullopt);
    for (auto name : {"https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"})
        CHECK_FALSE(env(name));
}
