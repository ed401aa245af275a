#include "netcfg/http_download.h"

#include <curl/curl.h>

#include <memory>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "netcfg/network.h"

namespace b2c::netcfg {
namespace {

struct EasyDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;

struct Body {
    std::string data;
    std::size_t limit = 0;
    bool too_large = false;
};

std::size_t append(char* bytes, std::size_t size, std::size_t count, void* user)
{
    auto* body = static_cast<Body*>(user);
    std::size_t n = size * count;
    if (body->data.size() + n > body->limit) {
        body->too_large = true;
        return 0;  // makes libcurl fail the transfer with CURLE_WRITE_ERROR
    }
    body->data.append(bytes, n);
    return n;
}

void global_init_once()
{
    // Not thread-safe in old libcurl: done once, before any handle exists.
    static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK)
        throw NetworkError(fmt::format("cannot initialise libcurl: {}", curl_easy_strerror(code)));
}

struct Attempt {
    bool ok = false;
    bool retry = false;
    std::string error;
};

Attempt try_once(const std::string& url, const DownloadOptions& options, Body& body)
{
    Easy easy(curl_easy_init());
    if (!easy)
        throw NetworkError("cannot create a libcurl handle");
    char error_buffer[CURL_ERROR_SIZE] = {};
    CURL* h = easy.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(options.timeout.count()));
    curl_easy_setopt(h, CURLOPT_USERAGENT, "boot2container");
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    if (!options.ca_file.empty())
        curl_easy_setopt(h, CURLOPT_CAINFO, options.ca_file.c_str());

    CURLcode code = curl_easy_perform(h);
    Attempt attempt;
    if (body.too_large) {
        attempt.error = fmt::format("the answer is larger than {} bytes", options.max_bytes);
        return attempt;
    }
    if (code != CURLE_OK) {
        attempt.error = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
        // Connection-level trouble may pass (a link or server coming up);
        // TLS verification failures and bad URLs will not.
        attempt.retry = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
                        code == CURLE_OPERATION_TIMEDOUT || code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR ||
                        code == CURLE_GOT_NOTHING || code == CURLE_PARTIAL_FILE;
        return attempt;
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 400) {
        attempt.error = fmt::format("the server answered HTTP {}", status);
        attempt.retry = status >= 500;
        return attempt;
    }
    attempt.ok = true;
    return attempt;
}

}  // namespace

std::string http_get(const std::string& url, const DownloadOptions& options)
{
    global_init_once();
    auto delay = options.first_retry_delay;
    std::string last_error;
    for (int attempt = 1; attempt <= options.attempts; ++attempt) {
        Body body;
        body.limit = options.max_bytes;
        auto result = try_once(url, options, body);
        if (result.ok)
            return std::move(body.data);
        last_error = result.error;
        if (!result.retry || attempt == options.attempts)
            break;
        spdlog::warn("downloading {} failed ({}): attempt {} of {} in {} ms", url, last_error, attempt + 1,
                     options.attempts, delay.count());
        std::this_thread::sleep_for(delay);
        delay *= 2;
    }
    throw NetworkError(fmt::format("cannot download {}: {}", url, last_error));
}

}  // namespace b2c::netcfg
