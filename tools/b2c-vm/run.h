// Runs QEMU once: its console is copied to our stdout as it comes and
// scanned for the guest's status line; stdin and stderr are inherited.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tools/b2c-vm/signals.h"

namespace b2c::vm {

using Clock = std::chrono::steady_clock;

// QEMU is missing or cannot be started. b2c-vm exits with kExitQemuFailed.
class QemuStartError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class RunEnd {
    status,       // the guest printed its status (RunResult::status)
    no_pipeline,  // the guest ended its session without a pipeline status (bad command line, no network...)
    no_status,    // QEMU ended normally, the guest printed no status
    qemu_failed,  // QEMU exited with an error (RunResult::qemu_exit)
    timeout,      // the deadline passed: QEMU was stopped
    interrupted,  // SIGINT/SIGTERM (RunResult::signal): QEMU was stopped
    not_alive,    // probe: the guest showed no life in time, its output was dropped
};

struct RunResult {
    RunEnd end = RunEnd::no_status;
    int status = 0;
    bool qemu_ended = false;  // on its own, not stopped by us
    int qemu_exit = 0;        // then its exit code, 128+N when killed by signal N
    int signal = 0;
};

struct RunSettings {
    std::optional<Clock::time_point> deadline;
    // Set for a probed run: the guest must show life within this time; until
    // it does, its output is held back (and dropped if it never does).
    std::optional<std::chrono::milliseconds> probe_timeout;
};

// Throws QemuStartError when argv[0] cannot be found or started.
RunResult run_qemu(const std::vector<std::string>& argv, const RunSettings& settings, SignalWatch& signals);

}  // namespace b2c::vm
