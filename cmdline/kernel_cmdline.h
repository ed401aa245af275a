// Splitting the kernel command line into parameters, and container
// arguments into words.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace b2c::cmdline {

// A syntax error in the command line. what() is a sentence for the user
// that starts with the parameter's name and never shows its value.
class SyntaxError : public std::runtime_error {
public:
    SyntaxError(std::string parameter, const std::string& message)
        : std::runtime_error(message), parameter_(std::move(parameter))
    {
    }
    const std::string& parameter() const { return parameter_; }

private:
    std::string parameter_;
};

struct Param {
    std::string name;                  // "b2c.run", "ip", "quiet", ...
    std::optional<std::string> value;  // absent for a bare flag like "b2c.pipefail"
};

// Where a parameter lies in the text it was read from.
struct ParamSpan {
    std::size_t begin = 0, end = 0;  // the whole parameter, its quotes included
    std::size_t name_begin = 0, name_end = 0;
    std::size_t value_begin = std::string_view::npos;  // npos: no '='; the value runs to `end`
    bool unterminated = false;                         // an opening double quote never closed
};

// Every parameter of `text` with its position, never throwing: an
// unterminated quote runs to the end of the text.
std::vector<ParamSpan> scan_params(std::string_view text);

// Splits like the kernel splits /proc/cmdline: white space separates
// parameters, a double-quoted span keeps its white space, and the quotes
// around a whole value (`b2c.run="a b"`) or a whole parameter are removed.
// A value that opens with a quote it closes before its end keeps its
// quotes (`b2c.login="docker.io",username=u`), for the sub-option parsers
// to read. Inside a double quote, `\"` is a quote character that does not
// end it: the value holds a plain `"` there (Mesa's templates write
// `b2c.run="... sh -c \"echo hi\""`). Throws SyntaxError on an unterminated
// double quote, naming the parameter.
std::vector<Param> tokenize_kernel_cmdline(std::string_view cmdline);

// An extra-args file (b2c.extra_args_url) as farms write it: the command
// line's syntax over many lines, a value may span lines inside its quotes,
// and a line whose first non-blank character is `#` outside any quote is a
// comment (ci-tron's first line `#!jinja2` among them). Returns the text
// with each comment line blanked (its newline kept), ready for
// tokenize_kernel_cmdline().
std::string without_comment_lines(std::string_view file);

// Splits container arguments into words with POSIX-shell quoting (single
// quotes, double quotes, backslash) and no expansion at all: `$X`, `*`,
// `$(...)` and `~` stay as they are. Throws SyntaxError on an unterminated
// quote or a trailing backslash.
std::vector<std::string> split_shell_words(std::string_view text);

}  // namespace b2c::cmdline
