// Reads QEMU's console output as it streams by: finds the guest's status
// line and tells when the guest kernel or init has printed anything (the
// sign that the accelerator really runs the VM).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/console_contract.h"

namespace b2c::vm {

// N from a line containing "Execution is over, pipeline status: N" followed
// only by white space (a leading "[12.34]: " is fine).
std::optional<int> parse_status_line(std::string_view line);

// Whether the line says the session is ending (power off or reboot).
bool is_session_end_line(std::string_view line);

// `text` without ANSI escape sequences (the firmware clears the screen).
std::string strip_ansi(std::string_view text);

// True for lines SeaBIOS, iPXE or the kernel's boot stub print before the
// kernel proper runs, and for blank lines.
bool is_firmware_line(std::string_view line);

class ConsoleWatcher {
public:
    void feed(std::string_view bytes);
    void finish();  // end of output: scans an unterminated last line

    std::optional<int> status() const { return status_; }  // the last one seen
    bool session_ended() const { return session_ended_; }
    bool guest_alive() const { return alive_; }

private:
    void scan_line(std::string_view line);

    static constexpr std::size_t kMaxLine = 4096;
    std::string partial_;
    std::optional<int> status_;
    bool session_ended_ = false;
    bool alive_ = false;
};

}  // namespace b2c::vm
