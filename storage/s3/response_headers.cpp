#include "storage/s3/response_headers.h"

#include <algorithm>
#include <cctype>

namespace b2c::s3 {

void add_header_line(std::string_view line, ResponseHeaders& headers)
{
    if (line.starts_with("HTTP/")) {
        headers.clear();
        return;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || line.front() == ' ' || line.front() == '\t')
        return;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    headers[name] = value;
}

std::string unquoted_etag(std::string_view etag)
{
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
        etag = etag.substr(1, etag.size() - 2);
    return std::string(etag);
}

}  // namespace b2c::s3
