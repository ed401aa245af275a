// Logging for every b2c program: spdlog on stderr (the console in the guest)
// in the original boot2container's format, which farm executors match:
//   [12.34]: MESSAGE
//   [12.34]: WARNING: MESSAGE
//   [12.34]: ERROR: MESSAGE        (red on a terminal)
// the time being seconds since boot as /proc/uptime gives it; control
// characters in a message are shown as \xNN. GitLab collapsible sections
// go around the boot phases.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace b2c {

// Installs that format on the default logger (the "b2c" logger, made once).
void setup_logging();

// Seconds since the machine booted (CLOCK_BOOTTIME), the kernel's time base.
double uptime_seconds();

// Opens a GitLab CI collapsible section named `id` with `title`; the matching
// end_section() closes it. The title is logged. Until setup_logging() ran
// (a unit test, the dry run), only the title is.
void begin_section(std::string_view id, std::string_view title, bool collapsed = true);
void end_section(std::string_view id);

// RAII section: closed when the scope ends, also by an exception.
class Section {
public:
    Section(std::string id, std::string_view title, bool collapsed = true);
    ~Section();
    Section(const Section&) = delete;
    Section& operator=(const Section&) = delete;

private:
    std::string id_;
};

}  // namespace b2c
