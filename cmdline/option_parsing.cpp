#include "cmdline/option_parsing.h"

#include <array>
#include <cctype>

#include <fmt/format.h>

#include "common/redaction.h"
#include "common/text.h"

namespace b2c::cmdline::detail {

Reporter::Reporter(std::vector<Diagnostic>& out, std::string_view option, std::vector<std::string> secrets)
    : out_(out), option_(option), secrets_(std::move(secrets))
{
}

void Reporter::add(Diagnostic::Severity severity, std::string_view text)
{
    auto message = printable(redact(fmt::format("{}: {}", option_, text), secrets_));
    out_.push_back({severity, option_, std::move(message)});
}

void Reporter::warning(std::string_view text)
{
    add(Diagnostic::Severity::warning, text);
}

void Reporter::error(std::string_view text)
{
    add(Diagnostic::Severity::error, text);
}

std::vector<std::string> split_outside_quotes(std::string_view text, char separator)
{
    std::vector<std::string> parts(1);
    bool in_quote = false;
    for (char c : text) {
        if (c == '"')
            in_quote = !in_quote;
        if (c == separator && !in_quote)
            parts.emplace_back();
        else
            parts.back() += c;
    }
    return parts;
}

std::string strip_quotes(std::string_view text)
{
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
        text = text.substr(1, text.size() - 2);
    return std::string(text);
}

SubOptions parse_sub_options(std::string_view value)
{
    auto parts = split_outside_quotes(value, ',');
    SubOptions result{strip_quotes(parts[0]), {}};
    for (std::size_t i = 1; i < parts.size(); ++i) {
        std::string_view part = parts[i];
        if (part.empty())
            continue;  // "a,,b" or a trailing comma
        auto equals = part.find('=');
        if (equals == std::string_view::npos)
            result.items.push_back({std::string(part), std::nullopt});
        else
            result.items.push_back({std::string(part.substr(0, equals)), strip_quotes(part.substr(equals + 1))});
    }
    return result;
}

SubOptionWalker::SubOptionWalker(Reporter& report, std::string expected_keys)
    : report_(report), expected_keys_(std::move(expected_keys))
{
}

void SubOptionWalker::unknown(const SubOption& item)
{
    if (!previous_secret_.empty())
        report_.warning(
            fmt::format("an unknown sub-option follows {0}= and is not shown (a secret may have been cut at a "
                        "comma: quote it, {0}=\"...\"); ignored",
                        previous_secret_));
    else
        report_.warning(fmt::format("unknown sub-option '{}' ignored (expected {})", item.key, expected_keys_));
}

bool SubOptionWalker::needs_value(const SubOption& item, bool& ok)
{
    if (item.value && !item.value->empty())
        return true;
    report_.error(fmt::format("{}= needs a value", item.key));
    ok = false;
    return false;
}

bool SubOptionWalker::is_flag(const SubOption& item, bool& ok)
{
    if (!item.value)
        return true;
    report_.error(fmt::format("{} is a flag and takes no value (write '{}' alone)", item.key, item.key));
    ok = false;
    return false;
}

bool is_simple_name(std::string_view name, std::string_view punctuation)
{
    if (name.empty())
        return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && punctuation.find(c) == std::string_view::npos)
            return false;
    return true;
}

// Linux takes at most 64 bytes (HOST_NAME_MAX); labels as RFC 1123 allows.
bool is_valid_hostname(std::string_view name)
{
    if (name.empty() || name.size() > 64)
        return false;
    std::size_t start = 0;
    while (true) {
        auto dot = name.find('.', start);
        auto label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || label.size() > 63 || !is_simple_name(label, "-"))
            return false;
        if (dot == std::string_view::npos)
            return true;
        start = dot + 1;
    }
}

bool is_http_url(std::string_view url)
{
    std::string lower;
    for (char c : url.substr(0, 8))
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view rest;
    if (lower.starts_with("https://"))
        rest = url.substr(8);
    else if (lower.starts_with("http://"))
        rest = url.substr(7);
    else
        return false;
    if (rest.empty() || rest.front() == '/')
        return false;
    for (char c : url)
        if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)))
            return false;
    return true;
}

}  // namespace b2c::cmdline::detail
