// The strict value parsers of config.h: IPv4 addresses, CIDRs and sizes.
#include <cctype>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "cmdline/config.h"
#include "common/ipv4_text.h"
#include "common/text.h"

namespace b2c::cmdline {
namespace {

bool all_digits(std::string_view text)
{
    if (text.empty())
        return false;
    for (char c : text)
        if (!std::isdigit(static_cast<unsigned char>(c)))
            return false;
    return true;
}

// A decimal number without sign or leading zero, at most `max`; nullopt otherwise.
std::optional<std::uint64_t> small_number(std::string_view text, std::uint64_t max)
{
    if (!all_digits(text) || (text.size() > 1 && text[0] == '0') || text.size() > 10)
        return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text)
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (value > max)
        return std::nullopt;
    return value;
}

}  // namespace

std::string Ipv4Address::str() const
{
    return ipv4_to_string(host_order);
}

std::string Ipv4Cidr::str() const
{
    return fmt::format("{}/{}", address.str(), prefix_length);
}

// Leading zeros are refused: inet_aton() would read "010" as octal 8.
Ipv4Address parse_ipv4(std::string_view text)
{
    auto parts = split(text, '.');
    std::uint32_t address = 0;
    bool ok = parts.size() == 4;
    for (std::size_t i = 0; ok && i < parts.size(); ++i) {
        auto byte = small_number(parts[i], 255);
        ok = byte.has_value();
        if (ok)
            address = (address << 8) | static_cast<std::uint32_t>(*byte);
    }
    if (!ok)
        throw std::invalid_argument(
            fmt::format("'{}' is not an IPv4 address (expected A.B.C.D, each number 0-255)", text));
    return Ipv4Address{address};
}

Ipv4Cidr parse_cidr(std::string_view text)
{
    auto slash = text.find('/');
    auto expected = [&] {
        return std::invalid_argument(
            fmt::format("'{}' is not an IPv4 address with a prefix length (expected A.B.C.D/N, N 0-32)", text));
    };
    if (slash == std::string_view::npos)
        throw expected();
    auto prefix = small_number(text.substr(slash + 1), 32);
    if (!prefix)
        throw expected();
    try {
        return Ipv4Cidr{parse_ipv4(text.substr(0, slash)), static_cast<int>(*prefix)};
    } catch (const std::invalid_argument&) {
        throw expected();
    }
}

std::uint64_t parse_size(std::string_view text)
{
    auto expected = [&] {
        return std::invalid_argument(
            fmt::format("'{}' is not a size (expected a whole number of bytes with an optional unit "
                        "K, M, G or T, e.g. 512M or 8G)",
                        text));
    };
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
        ++digits;
    if (digits == 0)
        throw expected();

    std::string unit;
    for (char c : text.substr(digits))
        unit += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    unsigned shift = 0;
    if (!unit.empty() && std::string_view("KMGT").find(unit[0]) != std::string_view::npos) {
        shift = 10 * (1 + static_cast<unsigned>(std::string_view("KMGT").find(unit[0])));
        unit.erase(0, 1);
        if (unit == "IB" || unit == "B")
            unit.clear();
    } else if (unit == "B") {
        unit.clear();
    }
    if (!unit.empty())
        throw expected();

    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t value = 0;
    for (char c : text.substr(0, digits)) {
        auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (max - digit) / 10)
            throw expected();
        value = value * 10 + digit;
    }
    if (shift && value > (max >> shift))
        throw expected();
    return value << shift;
}

}  // namespace b2c::cmdline
