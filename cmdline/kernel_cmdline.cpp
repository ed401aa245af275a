#include "cmdline/kernel_cmdline.h"

#include <fmt/format.h>

namespace b2c::cmdline {
namespace {

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// `\"` inside a double quote: a quote character that neither opens nor
// closes one (Mesa's job templates escape their container commands so).
bool escaped_quote(std::string_view text, std::size_t at, bool in_quote)
{
    return in_quote && text[at] == '\\' && at + 1 < text.size() && text[at + 1] == '"';
}

// The value with each escaped quote made a plain one, and the quotes
// around it removed: the last one when the whole parameter was quoted
// (`"b2c.run=a b"`), both when the value is one quoted span (`="a b"`).
std::string unquote_value(std::string_view raw, bool whole_quoted)
{
    std::string out;
    std::vector<std::size_t> quotes;  // where the opening and closing quotes are in `out`
    bool in_quote = whole_quoted;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (escaped_quote(raw, i, in_quote)) {
            out += raw[++i];
            continue;
        }
        if (raw[i] == '"') {
            in_quote = !in_quote;
            quotes.push_back(out.size());
        }
        out += raw[i];
    }
    bool ends_on_a_quote = !quotes.empty() && quotes.back() + 1 == out.size();
    if (whole_quoted && ends_on_a_quote)
        out.pop_back();
    else if (!whole_quoted && quotes.size() == 2 && quotes[0] == 0 && ends_on_a_quote)
        out = out.substr(1, out.size() - 2);
    return out;
}

}  // namespace

// Mirrors next_arg() of linux/lib/cmdline.c for where a parameter starts
// and ends: a double quote toggles "inside a quote", white space outside
// one ends the parameter; unlike the kernel, `\"` inside a quote does not
// end it.
std::vector<ParamSpan> scan_params(std::string_view text)
{
    std::vector<ParamSpan> spans;
    std::size_t pos = 0;
    while (true) {
        while (pos < text.size() && is_space(text[pos]))
            ++pos;
        if (pos == text.size())
            return spans;
        ParamSpan span;
        span.begin = pos;
        bool quoted = text[pos] == '"';
        span.name_begin = pos + (quoted ? 1 : 0);
        bool in_quote = quoted;
        std::size_t end = span.name_begin;
        for (; end < text.size(); ++end) {
            char c = text[end];
            if (escaped_quote(text, end, in_quote)) {
                ++end;
                continue;
            }
            if (is_space(c) && !in_quote)
                break;
            if (c == '=' && span.value_begin == std::string_view::npos)
                span.value_begin = end + 1;
            if (c == '"')
                in_quote = !in_quote;
        }
        span.end = end;
        span.unterminated = in_quote;
        span.name_end = span.value_begin == std::string_view::npos ? end : span.value_begin - 1;
        // A whole quoted parameter without '=': its closing quote is not part of the name.
        if (quoted && span.value_begin == std::string_view::npos && span.name_end > span.name_begin &&
            text[span.name_end - 1] == '"')
            --span.name_end;
        spans.push_back(span);
        pos = end;
    }
}

std::vector<Param> tokenize_kernel_cmdline(std::string_view cmdline)
{
    std::vector<Param> params;
    for (const auto& span : scan_params(cmdline)) {
        Param param;
        param.name = cmdline.substr(span.name_begin, span.name_end - span.name_begin);
        if (span.unterminated)
            throw SyntaxError(param.name, fmt::format("{}: unterminated double quote (its value runs to the end of the "
                                                      "command line; close the quote)",
                                                      param.name.empty() ? "the command line" : param.name));
        if (span.value_begin != std::string_view::npos)
            param.value = unquote_value(cmdline.substr(span.value_begin, span.end - span.value_begin),
                                        cmdline[span.begin] == '"');
        if (!param.name.empty())
            params.push_back(std::move(param));
    }
    return params;
}

std::string without_comment_lines(std::string_view file)
{
    std::string out;
    out.reserve(file.size());
    bool in_quote = false;
    bool line_start = true;  // only blanks so far on this line, outside a quote
    for (std::size_t i = 0; i < file.size(); ++i) {
        char c = file[i];
        if (line_start && c == '#') {
            while (i < file.size() && file[i] != '\n')
                ++i;
            if (i < file.size())
                out += '\n';
            continue;
        }
        if (escaped_quote(file, i, in_quote)) {
            out += file.substr(i++, 2);
            continue;
        }
        if (c == '"')
            in_quote = !in_quote;
        line_start = c == '\n' ? !in_quote : line_start && !in_quote && is_space(c);
        out += c;
    }
    return out;
}

std::vector<std::string> split_shell_words(std::string_view text)
{
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    std::size_t i = 0;
    auto error = [&](std::string_view what, std::size_t at) {
        return SyntaxError("",
                           std::string(what) + " at column " + std::to_string(at + 1) + " of: " + std::string(text));
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
