#include "cmdline/secrets.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>
#include <utility>

#include "cmdline/kernel_cmdline.h"

namespace b2c::cmdline {
namespace {

using Span = std::pair<std::size_t, std::size_t>;  // [first, second) in the text

std::string lower(std::string_view text)
{
    std::string out;
    for (char c : text)
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim_quotes_and_space(std::string_view text)
{
    while (!text.empty() && (text.front() == '"' || std::isspace(static_cast<unsigned char>(text.front()))))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == '"' || std::isspace(static_cast<unsigned char>(text.back()))))
        text.remove_suffix(1);
    return text;
}

bool is_secret_key(std::string_view key)
{
    auto name = lower(trim_quotes_and_space(key));
    if (name.empty())
        return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
            return false;
    return name == "password" || name == "passwd" || name.ends_with("_key") || name.ends_with("secret");
}

// The comma-separated items of `value` (offsets into it), read two ways:
// commas inside double quotes kept, and every comma a separator.
std::vector<std::vector<Span>> item_splits(std::string_view value)
{
    std::vector<Span> quote_aware, plain;
    bool in_quote = false;
    std::size_t aware_start = 0, plain_start = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '"')
            in_quote = !in_quote;
        if (value[i] != ',')
            continue;
        plain.emplace_back(plain_start, i);
        plain_start = i + 1;
        if (!in_quote) {
            quote_aware.emplace_back(aware_start, i);
            aware_start = i + 1;
        }
    }
    plain.emplace_back(plain_start, value.size());
    quote_aware.emplace_back(aware_start, value.size());
    return {quote_aware, plain};
}

// https://user:pass@host in `item` (at `offset` in the text): the user
// information goes, and its password alone too (a message may show only
// that). The last '@' before the path ends it: when in doubt, more is hidden.
void add_user_information_spans(std::string_view item, std::size_t offset, std::vector<Span>& spans)
{
    auto scheme = item.find("://");
    if (scheme == std::string_view::npos)
        return;
    scheme += 3;
    auto at = item.substr(0, item.find('/', scheme)).rfind('@');
    if (at == std::string_view::npos || at < scheme)
        return;
    spans.emplace_back(offset + scheme, offset + at);
    auto colon = item.find(':', scheme);
    if (colon < at)
        spans.emplace_back(offset + colon + 1, offset + at);
}

// `key=SECRET` items anywhere, b2c.minio's positional keys, and the user
// information of b2c.minio's and b2c.proxy's URLs.
void add_value_spans(std::string_view name, std::string_view value, std::size_t offset, std::vector<Span>& spans)
{
    const bool minio = name.find("minio") != std::string_view::npos;
    const bool proxy = name.find("proxy") != std::string_view::npos;
    for (const auto& items : item_splits(value)) {
        for (std::size_t index = 0; index < items.size(); ++index) {
            auto [first, last] = items[index];
            std::string_view item = value.substr(first, last - first);
            if (proxy)
                add_user_information_spans(item, offset + first, spans);
            if (minio && index >= 1) {
                if (index >= 2 || item.find("://") == std::string_view::npos)
                    spans.emplace_back(offset + first, offset + last);
                else
                    add_user_information_spans(item, offset + first, spans);
                continue;
            }
            auto equals = item.find('=');
            if (equals != std::string_view::npos && is_secret_key(item.substr(0, equals)) && equals + 1 < item.size())
                spans.emplace_back(offset + first + equals + 1, offset + last);
        }
    }
}

void add_spans(std::string_view text, std::size_t offset, std::vector<Span>& spans)
{
    for (const auto& param : scan_params(text)) {
        if (param.value_begin == std::string_view::npos)
            continue;
        std::string_view name = text.substr(param.name_begin, param.name_end - param.name_begin);
        std::string_view value = text.substr(param.value_begin, param.end - param.value_begin);
        add_value_spans(name, value, offset + param.value_begin, spans);
        // What an unterminated quote swallowed may hold whole parameters.
        if (param.unterminated) {
            auto quote = text.find('"', param.begin);
            if (quote != std::string_view::npos && quote + 1 < param.end)
                add_spans(text.substr(quote + 1, param.end - quote - 1), offset + quote + 1, spans);
        }
    }
}

// A span without the quotes around its value: printed, `password="***"`
// keeps its quotes and the line still reads as the kernel split it.
Span without_quotes(std::string_view text, Span span)
{
    auto [first, last] = span;
    while (first < last && text[first] == '"')
        ++first;
    while (last > first && text[last - 1] == '"')
        --last;
    return first < last ? Span{first, last} : span;
}

std::vector<Span> merged_spans(std::string_view text)
{
    std::vector<Span> spans;
    add_spans(text, 0, spans);
    for (auto& span : spans)
        span = without_quotes(text, span);
    std::sort(spans.begin(), spans.end());
    std::vector<Span> merged;
    for (const auto& span : spans) {
        if (span.first >= span.second)
            continue;
        if (!merged.empty() && span.first <= merged.back().second)
            merged.back().second = std::max(merged.back().second, span.second);
        else
            merged.push_back(span);
    }
    return merged;
}

// The secrets the spans cover, quotes removed, each once, in order.
std::vector<std::string> texts_of(std::string_view text, const std::vector<Span>& spans)
{
    std::vector<std::string> found;
    std::unordered_set<std::string_view> seen;
    for (const auto& [first, last] : spans) {
        auto secret = trim_quotes_and_space(text.substr(first, last - first));
        if (!secret.empty() && seen.insert(secret).second)
            found.emplace_back(secret);
    }
    return found;
}

}  // namespace

std::vector<std::string> secrets_in_value(std::string_view name, std::string_view value)
{
    std::vector<Span> spans;
    add_value_spans(name, value, 0, spans);
    return texts_of(value, spans);
}

std::vector<std::string> find_secrets(std::string_view text)
{
    std::vector<Span> spans;
    add_spans(text, 0, spans);
    return texts_of(text, spans);
}

std::string redact_cmdline(std::string_view text)
{
    std::string out;
    std::size_t pos = 0;
    for (const auto& [first, last] : merged_spans(text)) {
        out.append(text.substr(pos, first - pos));
        out += "***";
        pos = last;
    }
    out.append(text.substr(pos));
    return out;
}

}  // namespace b2c::cmdline
