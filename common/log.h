// Logging for every b2c program: spdlog on stderr (the console in the guest),
// every line stamped with the time since boot like the kernel's own log, and
// GitLab collapsible sections around the boot phases.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace b2c {

// Installs the "[  12.345] " pattern on the default logger.
void setup_logging();

// Seconds since the machine booted (CLOCK_BOOTTIME), the kernel's time base.
double uptime_seconds();

// Opens a GitLab CI collapsible section named `id` with `title`; the matching
// end_section() closes it. Both also print a plain log line with the uptime.
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
