// Splitting the kernel command line into parameters, and container
// arguments into words.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace b2c::cmdline {

// A syntax error in the command line. what() is a sentence for the user.
class SyntaxError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Param {
    std::string name;                  // "b2c.run", "ip", "quiet", ...
    std::optional<std::string> value;  // absent for a bare flag like "b2c.pipefail"
};

// Splits like the kernel splits /proc/cmdline: white space separates
// parameters, a double-quoted span keeps its white space, and the quotes
// around a value (`b2c.run="a b"`) or a whole parameter are removed.
// Throws SyntaxError on an unterminated double quote, naming the parameter.
std::vector<Param> tokenize_kernel_cmdline(std::string_view cmdline);

// Splits container arguments into words with POSIX-shell quoting (single
// quotes, double quotes, backslash) and no expansion at all: `$X`, `*`,
// `$(...)` and `~` stay as they are. Throws SyntaxError on an unterminated
// quote or a trailing backslash.
std::vector<std::string> split_shell_words(std::string_view text);

}  // namespace b2c::cmdline
