// The one way b2c runs an external program (podman, mkfs, QEMU, ...): the
// command line is logged with its secrets redacted, a timeout is enforced,
// and the exit code and output come back to the caller.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace b2c {

struct Command {
    std::vector<std::string> argv;            // argv[0] is looked up in PATH
    std::vector<std::string> secrets;         // replaced by "***" in every log line
    std::optional<std::string> stdin_data;    // fed to stdin, then closed
    std::chrono::seconds timeout{0};          // 0: wait for ever
    bool capture_output = true;               // false: the child uses our console
    std::vector<std::string> extra_env;       // "NAME=value" added to our environment
    bool log_command = true;
};

struct CommandResult {
    int exit_code = -1;     // 128+N when killed by signal N
    std::string output;     // stdout and stderr interleaved, when captured
    bool timed_out = false;
    bool ok() const { return exit_code == 0 && !timed_out; }
};

// Runs `cmd` and waits for it. Throws std::runtime_error only when the
// program cannot be started at all (not found, not executable).
CommandResult run_command(const Command& cmd);

// `text` with every secret replaced by "***".
std::string redact(std::string text, const std::vector<std::string>& secrets);

// argv as a shell would need it typed, for logs and --dry-run.
std::string format_command_line(const std::vector<std::string>& argv);

}  // namespace b2c
