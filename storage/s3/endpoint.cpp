#include "storage/s3/endpoint.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "common/text.h"

namespace b2c::s3 {

std::string uri_encode(std::string_view text, bool keep_slash)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '.' || c == '_' || c == '~' || (keep_slash && c == '/');
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

std::string canonical_query(QueryParameters parameters)
{
    for (auto& [name, value] : parameters) {
        name = uri_encode(name, false);
        value = uri_encode(value, false);
    }
    std::sort(parameters.begin(), parameters.end());
    std::string query;
    for (const auto& [name, value] : parameters) {
        if (!query.empty())
            query += '&';
        query += name + '=' + value;
    }
    return query;
}

BaseUrl parse_base_url(const std::string& url)
{
    BaseUrl base;
    std::string_view rest = url;
    for (std::string_view scheme : {"http", "https"}) {
        std::string start = std::string(scheme) + "://";
        if (rest.substr(0, start.size()) == start) {
            base.scheme = scheme;
            rest.remove_prefix(start.size());
            break;
        }
    }
    auto slash = rest.find('/');
    base.authority = rest.substr(0, slash);
    if (base.scheme.empty() || base.authority.empty() || base.authority.find_first_of("?#@ ") != std::string::npos)
        throw std::invalid_argument(
            fmt::format("'{}' is not an S3 endpoint URL (expected http(s)://HOST[:PORT])", url));
    if (slash != std::string_view::npos) {
        std::string_view path = rest.substr(slash);
        while (!path.empty() && path.back() == '/')
            path.remove_suffix(1);
        base.path = path;
    }
    return base;
}

bool has_dot_segment(std::string_view key)
{
    return std::ranges::any_of(split(key, '/'), [](const std::string& part) { return part == "." || part == ".."; });
}

std::string object_url(const Endpoint& endpoint, const std::string& bucket, std::string_view key,
                       const QueryParameters& query)
{
    if (has_dot_segment(key))
        throw std::invalid_argument(
            fmt::format("the key '{}' has a '.' or '..' part: HTTP clients remove such parts from a URL, so it "
                        "cannot be addressed (rename it with another S3 client)",
                        key));
    auto base = parse_base_url(endpoint.url);
    std::string url = base.scheme + "://";
    if (endpoint.virtual_host)
        url += bucket + '.' + base.authority + base.path + '/';
    else
        url += base.authority + base.path + '/' + uri_encode(bucket, false) + '/';
    url += uri_encode(key, true);
    if (!query.empty())
        url += '?' + canonical_query(query);
    return url;
}

std::string key_prefix(std::string_view prefix)
{
    while (!prefix.empty() && prefix.front() == '/')
        prefix.remove_prefix(1);
    while (!prefix.empty() && prefix.back() == '/')
        prefix.remove_suffix(1);
    return prefix.empty() ? std::string() : std::string(prefix) + '/';
}

}  // namespace b2c::s3
