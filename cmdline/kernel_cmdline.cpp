#include "cmdline/kernel_cmdline.h"

#include <array>

namespace b2c::cmdline {
namespace {

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Options whose value may hold a secret: an error message shows their name only.
bool may_hold_secret(std::string_view param)
{
    constexpr std::array<std::string_view, 3> names{"b2c.login", "b2c.minio", "b2c.volume"};
    for (auto name : names)
        if (param.substr(0, name.size()) == name)
            return true;
    return false;
}

// The start of an unterminated parameter, for an error message: it runs to
// the end of the line, so cut it where the next b2c option seems to begin.
std::string excerpt(std::string_view rest)
{
    if (may_hold_secret(rest.substr(rest.front() == '"' ? 1 : 0)))
        return std::string(rest.substr(0, rest.find('=') + 1)) + "... (value hidden, it may hold a secret)";
    for (std::size_t i = 1; i < rest.size(); ++i) {
        if (is_space(rest[i - 1]) && rest.substr(i, 4) == "b2c.") {
            rest = rest.substr(0, i - 1);
            break;
        }
    }
    while (!rest.empty() && is_space(rest.back()))
        rest.remove_suffix(1);
    constexpr std::size_t max_length = 60;
    if (rest.size() > max_length)
        return std::string(rest.substr(0, max_length)) + "...";
    return std::string(rest);
}

}  // namespace

// Mirrors next_arg() of linux/lib/cmdline.c: a leading quote of the value or
// of the whole parameter and the matching last quote are removed; quotes
// inside a value are kept (sub-option parsers strip them).
std::vector<Param> tokenize_kernel_cmdline(std::string_view cmdline)
{
    std::vector<Param> params;
    std::size_t pos = 0;
    while (true) {
        while (pos < cmdline.size() && is_space(cmdline[pos]))
            ++pos;
        if (pos == cmdline.size())
            return params;

        std::string_view rest = cmdline.substr(pos);
        bool quoted = rest.front() == '"';
        std::size_t start = quoted ? 1 : 0;
        bool in_quote = quoted;
        std::size_t equals = std::string_view::npos;
        std::size_t end = start;
        for (; end < rest.size(); ++end) {
            char c = rest[end];
            if (is_space(c) && !in_quote)
                break;
            if (c == '=' && equals == std::string_view::npos)
                equals = end;
            if (c == '"')
                in_quote = !in_quote;
        }
        if (in_quote)
            throw SyntaxError("unterminated double quote in " + excerpt(rest));
        pos += end;

        std::string_view token = rest.substr(start, end - start);
        bool strip_last = quoted && !token.empty() && token.back() == '"';
        Param param;
        if (equals == std::string_view::npos) {
            if (strip_last)
                token.remove_suffix(1);
            param.name = token;
        } else {
            param.name = rest.substr(start, equals - start);
            std::string_view value = rest.substr(equals + 1, end - equals - 1);
            if (!value.empty() && value.front() == '"') {
                value.remove_prefix(1);
                strip_last = !value.empty() && value.back() == '"';
            }
            if (strip_last)
                value.remove_suffix(1);
            param.value = std::string(value);
        }
        if (!param.name.empty())
            params.push_back(std::move(param));
    }
}

std::vector<std::string> split_shell_words(std::string_view text)
{
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    std::size_t i = 0;
    auto error = [&](std::string_view what, std::size_t at) {
        return SyntaxError(std::string(what) + " at column " + std::to_string(at + 1) + " of: " +
                           std::string(text));
    };
    while (i < text.size()) {
        char c = text[i];
        if (is_space(c)) {
            if (in_word)
                words.push_back(std::move(word));
            word.clear();
            in_word = false;
            ++i;
            continue;
        }
        in_word = true;
        if (c == '\\') {
            if (i + 1 == text.size())
                throw error("trailing backslash", i);
            if (text[i + 1] != '\n')  // backslash-newline is a line continuation
                word += text[i + 1];
            i += 2;
        } else if (c == '\'') {
            auto close = text.find('\'', i + 1);
            if (close == std::string_view::npos)
                throw error("unterminated single quote", i);
            word += text.substr(i + 1, close - i - 1);
            i = close + 1;
        } else if (c == '"') {
            std::size_t open = i++;
            while (true) {
                if (i == text.size())
                    throw error("unterminated double quote", open);
                char d = text[i];
                if (d == '"') {
                    ++i;
                    break;
                }
                if (d == '\\' && i + 1 < text.size() &&
                    std::string_view("$`\"\\\n").find(text[i + 1]) != std::string_view::npos) {
                    if (text[i + 1] != '\n')
                        word += text[i + 1];
                    i += 2;
                    continue;
                }
                word += d;
                ++i;
            }
        } else {
            word += c;
            ++i;
        }
    }
    if (in_word)
        words.push_back(std::move(word));
    return words;
}

}  // namespace b2c::cmdline
