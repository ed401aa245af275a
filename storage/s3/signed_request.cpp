#include "storage/s3/signed_request.h"

#include <stdexcept>

#include <fmt/format.h>

namespace b2c::s3 {

void init_curl_once()
{
    // Not thread-safe in old libcurl: done once, before any handle exists.
    static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK)
        throw std::runtime_error(fmt::format("cannot initialise libcurl: {}", curl_easy_strerror(code)));
}

HeaderList prepare_request(CURL* easy, const Request& request, const Credentials& credentials)
{
    curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "boot2container");
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 10L);
    // A stalled transfer (under 1 KiB/s for a minute) fails and is retried.
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, 60L);

    if (request.method == "HEAD") {
        curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else if (request.body) {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body->data());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
        if (request.method != "POST")
            curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else if (request.method == "PUT") {
        curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    } else if (request.method != "GET") {
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    curl_slist* list = nullptr;
    auto add = [&](const std::string& line) {
        curl_slist* grown = curl_slist_append(list, line.c_str());
        if (!grown) {
            curl_slist_free_all(list);
            throw std::bad_alloc();
        }
        list = grown;
    };
    for (const auto& [name, value] : request.headers)
        add(name + ": " + value);
    add("x-amz-content-sha256: " + request.payload_sha256);
    if (request.amz_date)
        add("x-amz-date: " + *request.amz_date);
    HeaderList headers(list);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());

    std::string sigv4 = "aws:amz:" + credentials.region + ":s3";
    curl_easy_setopt(easy, CURLOPT_AWS_SIGV4, sigv4.c_str());  // libcurl copies strings
    curl_easy_setopt(easy, CURLOPT_USERNAME, credentials.access_key.c_str());
    curl_easy_setopt(easy, CURLOPT_PASSWORD, credentials.secret_key.c_str());
    return headers;
}

bool curl_misorders_prefixed_headers()
{
    return curl_version_info(CURLVERSION_NOW)->version_num < 0x080a00;
}

}  // namespace b2c::s3
