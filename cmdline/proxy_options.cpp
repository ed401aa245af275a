// b2c.proxy (extension): the HTTP(S) proxy of our own traffic.
//
// b2c.proxy="https=URL[,http=URL][,no_proxy=LIST]"
//
// Rules (docs/options.md says them to users):
// * https= is the proxy of https:// URLs, http= that of http:// URLs; one of
//   them at least. Each is http:// or https://, a host, an optional port and
//   nothing else ("/" at most): SCHEME://[USER:PASSWORD@]HOST[:PORT]. The
//   user information is a secret (cmdline/secrets.h), never printed.
// * no_proxy= lists what is reached directly, as the no_proxy variable does:
//   host names, .domains, addresses, CIDRs, `*`; separated by commas (the
//   items after no_proxy= that have no `=` are its own) or by ';'.
// * An unknown key is a warning; a key given twice, the last one wins.
#include <fmt/format.h>

#include "cmdline/option_parsing.h"

namespace b2c::cmdline::detail {
namespace {

constexpr std::string_view proxy_keys = "https=URL, http=URL, no_proxy=LIST";
constexpr std::string_view proxy_url_shape = "SCHEME://[USER:PASSWORD@]HOST[:PORT] with SCHEME http or https";

bool is_proxy_port(std::string_view text)
{
    if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string_view::npos)
        return false;
    auto number = std::stoul(std::string(text));
    return number >= 1 && number <= 65535;
}

// What is wrong with a proxy's URL; nullopt when nothing is.
std::optional<std::string> proxy_url_problem(std::string_view url)
{
    if (!is_http_url(url))
        return "is not an http:// or https:// URL";
    auto rest = url.substr(url.find("://") + 3);
    auto slash = rest.find('/');
    if (slash != std::string_view::npos && slash + 1 != rest.size())
        return "has a path (a proxy is a host and a port)";
    auto authority = rest.substr(0, slash);
    if (auto at = authority.rfind('@'); at != std::string_view::npos)
        authority.remove_prefix(at + 1);
    std::string_view host = authority, port;
    if (authority.starts_with('[')) {  // [IPv6]:PORT
        auto close = authority.find(']');
        if (close == std::string_view::npos || close == 1)
            return "has a bad IPv6 address (expected [ADDRESS])";
        host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':')
                return "has something after its IPv6 address";
            port = authority.substr(close + 2);
            if (!is_proxy_port(port))
                return fmt::format("has a bad port '{}' (expected 1 to 65535)", port);
        }
        return std::nullopt;
    }
    if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (!is_proxy_port(port))
            return fmt::format("has a bad port '{}' (expected 1 to 65535)", port);
    }
    if (host.empty())
        return "has no host";
    if (!is_valid_hostname(host))
        return fmt::format("has a bad host '{}' (expected a host name or an address)", host);
    return std::nullopt;
}

bool has_proxy_user_information(std::string_view url)
{
    auto scheme_end = url.find("://");
    auto rest = scheme_end == std::string_view::npos ? url : url.substr(scheme_end + 3);
    return rest.substr(0, rest.find('/')).find('@') != std::string_view::npos;
}

// One entry of no_proxy=: a name, .domain, address, CIDR, HOST:PORT or `*`.
bool is_no_proxy_entry(std::string_view entry)
{
    return is_simple_name(entry, ".-_*:/[]");
}

}  // namespace

void parse_proxy(std::string_view value, Config& config, Reporter& report)
{
    // Every item is KEY=VALUE: no head, as if the value began with a comma.
    auto sub = parse_sub_options(fmt::format(",{}", value));
    ProxyConfig proxy;
    bool ok = true;
    bool in_no_proxy = false;
    SubOptionWalker walker(report, std::string(proxy_keys));
    auto add_no_proxy = [&](std::string_view list) {
        for (const auto& entry : split_outside_quotes(list, ';')) {
            if (entry.empty())
                continue;
            if (!is_no_proxy_entry(entry)) {
                report.error(fmt::format("no_proxy: '{}' is not a host, .domain, address or CIDR", entry));
                ok = false;
            } else {
                proxy.no_proxy.push_back(entry);
            }
        }
    };
    for (const auto& item : sub.items) {
        if (!item.value && in_no_proxy) {  // no_proxy=a,b,c: b and c are the list's
            add_no_proxy(item.key);
            continue;
        }
        in_no_proxy = false;
        bool secret = false;
        if (item.key == "https" || item.key == "http") {
            if (walker.needs_value(item, ok)) {
                auto& url = item.key == "https" ? proxy.https : proxy.http;
                if (!url.empty())
                    report.warning(fmt::format("{}= given twice, the last one wins", item.key));
                url = *item.value;
                secret = has_proxy_user_information(url);
                if (auto problem = proxy_url_problem(url)) {
                    report.error(
                        fmt::format("{}={} {}; a proxy's URL is {}", item.key, url, *problem, proxy_url_shape));
                    ok = false;
                }
            }
        } else if (item.key == "no_proxy") {
            if (walker.needs_value(item, ok)) {
                if (!proxy.no_proxy.empty())
                    report.warning("no_proxy= given twice, the last one wins");
                proxy.no_proxy.clear();
                add_no_proxy(*item.value);
                in_no_proxy = true;
            }
        } else if (!item.value && item.key.find("://") != std::string::npos) {
            report.error(fmt::format("'{}' has no key (expected https=URL and/or http=URL)", item.key));
            ok = false;
        } else {
            walker.unknown(item);
        }
        walker.after(item, secret);
    }
    if (ok && proxy.https.empty() && proxy.http.empty()) {
        report.error("no proxy given (expected https=URL and/or http=URL, e.g. "
                     "b2c.proxy=\"https=http://10.42.0.1:8080\")");
        ok = false;
    }
    if (ok)
        config.network.proxy = std::move(proxy);
}

}  // namespace b2c::cmdline::detail
