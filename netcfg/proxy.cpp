#include "netcfg/proxy.h"

#include <cstdlib>

#include <spdlog/spdlog.h>

#include "common/text.h"

namespace b2c::netcfg {

std::vector<EnvironmentVariable> proxy_environment(const std::optional<cmdline::ProxyConfig>& proxy)
{
    auto value = [](const std::string& text) { return text.empty() ? std::nullopt : std::optional(text); };
    std::optional<std::string> https, http, no_proxy;
    if (proxy) {
        https = value(proxy->https);
        http = value(proxy->http);
        no_proxy = value(join(proxy->no_proxy, ","));
    }
    return {{"https_proxy", https}, {"HTTPS_PROXY", https}, {"http_proxy", http},
            {"HTTP_PROXY", http},   {"no_proxy", no_proxy}, {"NO_PROXY", no_proxy}};
}

void use_proxy(const std::optional<cmdline::ProxyConfig>& proxy)
{
    std::vector<std::string> set;
    for (const auto& variable : proxy_environment(proxy)) {
        if (variable.value) {
            ::setenv(variable.name.c_str(), variable.value->c_str(), 1);
            set.push_back(variable.name);
        } else {
            ::unsetenv(variable.name.c_str());
        }
    }
    if (set.empty())
        spdlog::info("no proxy: podman and our downloads connect directly");
    else
        spdlog::info("proxy for podman and our downloads (not for the containers): {} set", join(set, ", "));
}

}  // namespace b2c::netcfg
