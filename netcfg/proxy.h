// b2c.proxy's effect: the variables libcurl and podman (Go's net/http)
// read, set in this process's environment, so that our downloads
// (b2c.extra_args_url, b2c.kube, S3) and every podman we start (pulls,
// logins) go through the proxy. The containers do not inherit them: podman
// copies them into a container only when asked, and the pipeline tells it
// not to (pipeline/podman_args.h, --http-proxy=false); `--env https_proxy=`
// or `--http-proxy=true` in b2c.run gives them to a container.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cmdline/config.h"

namespace b2c::netcfg {

struct EnvironmentVariable {
    std::string name;
    std::optional<std::string> value;  // nullopt: unset
    bool operator==(const EnvironmentVariable&) const = default;
};

// What `proxy` sets and unsets: https_proxy, http_proxy and no_proxy (the
// spellings libcurl reads; no_proxy comma-separated) and their upper-case
// twins (Go reads both). No proxy unsets them all.
std::vector<EnvironmentVariable> proxy_environment(const std::optional<cmdline::ProxyConfig>& proxy);

// Applies proxy_environment() to this process and says which variables it
// set (not their values: they may hold a password). setenv() is not safe
// while another thread reads the environment: called between phases, when
// only the lease keepers run, which do not.
void use_proxy(const std::optional<cmdline::ProxyConfig>& proxy);

}  // namespace b2c::netcfg
