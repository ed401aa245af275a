// What the boot sequence (PID 1's child) tells PID 1, in memory they
// share: how far the pipeline got, how the session must end (reboot or
// power off, b2c.poweroff_delay, b2c.shutdown_cmd / b2c.reboot_cmd), and
// the watchdog's deadline. PID 1 ends every session from it, so that a
// boot sequence that crashed, or that the watchdog stopped, still ends
// with the console lines farms wait for, the delay and the user's command.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmdline/config.h"

namespace b2c::init {

enum class PipelineProgress : int { not_started, running, over };

struct BootReport {
    std::atomic<int> progress{0};  // PipelineProgress
    std::atomic<int> status{0};    // the pipeline's status so far
    std::atomic<int> reboot{0};    // 1: reboot at the end, else power off
    std::atomic<int> poweroff_delay_seconds{0};
    // CLOCK_BOOTTIME milliseconds by which the current step must be over;
    // 0: no limit (a container runs, a pull makes progress).
    std::atomic<std::int64_t> watchdog_deadline_ms{0};
    std::atomic<int> watchdog_limit_seconds{0};
    char watchdog_step[120] = {};
    // b2c.shutdown_cmd / b2c.reboot_cmd: words separated by NUL, empty: none.
    char shutdown_cmd[2048] = {};
    char reboot_cmd[2048] = {};
    // The B2C_PIPELINE_* variables ("NAME=value", NUL-separated) those
    // commands run with.
    char pipeline_env[2048] = {};
};

// The report shared with PID 1 once share_boot_report() ran (PID 1, before
// the fork), a report of this process alone otherwise (tests, dry run).
BootReport& boot_report();
void share_boot_report();

// The boot sequence's side.
void report_session_end(bool reboot, std::chrono::seconds poweroff_delay,
                        const std::optional<std::vector<std::string>>& shutdown_cmd,
                        const std::optional<std::vector<std::string>>& reboot_cmd);
// The same from the options (b2c.poweroff_delay, b2c.shutdown_cmd, b2c.reboot_cmd).
void report_session_end(const cmdline::MachineConfig& machine, bool reboot);
void report_pipeline(PipelineProgress progress, int status);
// The pipeline's variables, for b2c.shutdown_cmd / b2c.reboot_cmd. One that
// does not fit is left out, the others kept.
void report_pipeline_env(const std::vector<std::string>& env);
// The current step must be over within `limit` (0: no limit from now on).
void watch_step(std::string_view step, std::chrono::seconds limit);

// PID 1's side.
std::vector<std::string> words(const char (&packed)[2048]);
// The step whose deadline passed at `now_ms`, with its limit; nothing when none did.
std::optional<std::pair<std::string, int>> overrun_step(std::int64_t now_ms);
std::int64_t boottime_ms();

}  // namespace b2c::init
