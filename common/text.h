// Small string helpers shared by the parsers and the loggers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace b2c {

std::vector<std::string> split(std::string_view text, char separator);
std::string_view trim(std::string_view text);
std::string join(const std::vector<std::string>& words, std::string_view separator);

// `word` quoted so that a POSIX shell (and our own shell-word splitter)
// reads it back as the same single word. Plain words are left as they are.
std::string shell_quote(std::string_view word);

// `text` fit to be printed on the console: control characters (and DEL)
// shown as \xNN, newlines and tabs too unless `keep_newlines`; any word
// (run of non-blank characters) longer than `max_word` bytes cut, saying
// how long it was. For every message that may quote outside bytes.
std::string printable(std::string_view text, bool keep_newlines = false, std::size_t max_word = 160);

// Levenshtein distance, for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);

// Whether edit_distance(a, b) <= at_most, without computing it when the
// lengths alone say no: a command line may hold kilobytes of unknown option
// names, each compared with every known one.
bool within_edit_distance(std::string_view a, std::string_view b, std::size_t at_most);

}  // namespace b2c
