// HTTP(S) downloads with libcurl, for b2c.extra_args_url. TLS is verified
// against the initramfs' CA bundle (/etc/ssl/certs/ca-certificates.crt).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace b2c::netcfg {

struct DownloadOptions {
    std::chrono::seconds timeout{10};                   // per attempt, connection included
    int attempts = 3;                                   // connection errors and 5xx are retried
    std::chrono::milliseconds first_retry_delay{1000};  // doubled after each attempt
    std::size_t max_bytes = 1 << 20;                    // more is refused: this is a list of options
    std::string ca_file;                                // empty: libcurl's default bundle
};

// The body of `url` (http:// or https://, redirects followed). Throws
// NetworkError with the URL and libcurl's or the server's reason.
std::string http_get(const std::string& url, const DownloadOptions& options = {});

}  // namespace b2c::netcfg
