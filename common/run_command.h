// The one way b2c runs an external program (podman, mkfs, QEMU, ...): the
// command line is logged with its secrets redacted, a timeout is enforced,
// and the exit code and output come back to the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/redaction.h"

namespace b2c {

struct Command {
    std::vector<std::string> argv;          // argv[0] is looked up in PATH
    std::vector<std::string> secrets;       // replaced by "***" in every log line
    std::optional<std::string> stdin_data;  // fed to stdin, then closed
    std::chrono::seconds timeout{0};        // 0: wait for ever
    // Killed when, for this long, it printed nothing and `progress` (sampled
    // every second, e.g. the bytes the network received) did not grow by
    // `min_progress`.
    // 0: never. Only for commands whose output is captured or kept.
    std::chrono::seconds stall_timeout{0};
    std::function<std::uint64_t()> progress;
    std::uint64_t min_progress = 1;  // what counts as progress: at least this much growth
    bool capture_output = true;      // false: the child uses our console
    // With capture_output false: stderr still reaches the console as it
    // comes, and its last 64 KiB are also returned in `output`.
    bool keep_stderr = false;
    std::vector<std::string> extra_env;  // "NAME=value" added to our environment
    bool log_command = true;
};

struct CommandResult {
    int exit_code = -1;      // 128+N when killed by signal N
    std::string output;      // stdout and stderr interleaved, when captured
    bool timed_out = false;  // killed by the timeout or the stall timeout
    bool stalled = false;    // killed by the stall timeout
    bool ok() const { return exit_code == 0 && !timed_out; }
};

// Runs `cmd` and waits for it. Throws std::runtime_error only when the
// program cannot be started at all (not found, not executable).
//
// A captured command runs in a process group of its own: a timeout kills
// the whole group, and the output stops being read one second after the
// command itself exits, even when a process it left behind still holds the
// pipe. Children never inherit our OOM-killer protection
// (/proc/self/oom_score_adj is reset to 0 in them).
CommandResult run_command(const Command& cmd);

// argv as a shell would need it typed, for logs and --dry-run.
std::string format_command_line(const std::vector<std::string>& argv);

}  // namespace b2c
