#include "common/text.h"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

namespace b2c {

std::vector<std::string> split(std::string_view text, char separator)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        auto end = text.find(separator, start);
        parts.emplace_back(text.substr(start, end - start));
        if (end == std::string_view::npos)
            return parts;
        start = end + 1;
    }
}

std::string_view trim(std::string_view text)
{
    const char* blanks = " \t\r\n";
    auto first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos)
        return {};
    auto last = text.find_last_not_of(blanks);
    return text.substr(first, last - first + 1);
}

std::string join(const std::vector<std::string>& words, std::string_view separator)
{
    std::string joined;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i)
            joined += separator;
        joined += words[i];
    }
    return joined;
}

std::string printable(std::string_view text, bool keep_newlines, std::size_t max_word)
{
    std::string out;
    out.reserve(std::min<std::size_t>(text.size(), 4096));
    std::size_t word_start = 0;  // in `text`
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        bool blank = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (blank) {
            word_start = i + 1;
        } else if (i - word_start == max_word) {
            // Cut this word: say how long it was and go on after it.
            std::size_t end = i;
            while (end < text.size() && text[end] != ' ' && text[end] != '\n' && text[end] != '\t' && text[end] != '\r')
                ++end;
            out += fmt::format("...({} bytes)", end - word_start);
            i = end;
            continue;
        }
        if ((c < 0x20 || c == 0x7f) && !(keep_newlines && (c == '\n' || c == '\t')))
            out += fmt::format("\\x{:02x}", c);
        else
            out += static_cast<char>(c);
        ++i;
    }
    return out;
}

std::string shell_quote(std::string_view word)
{
    if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                "0123456789@%+=:,./_-") == std::string_view::npos)
        return std::string(word);
    std::string quoted = "'";
    for (char c : word) {
        if (c == '\'')
            quoted += "'\\''";
        else
            quoted += c;
    }
    return quoted + "'";
}

std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

bool within_edit_distance(std::string_view a, std::string_view b, std::size_t at_most)
{
    auto longer = std::max(a.size(), b.size()), shorter = std::min(a.size(), b.size());
    return longer - shorter <= at_most && edit_distance(a, b) <= at_most;
}

}  // namespace b2c
