// One phase of the boot: a GitLab collapsible section, its duration, and
// its failure reported as a sentence instead of an exception.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace b2c::init {

// Runs `body` inside a section, under the watchdog: PID 1 ends the boot
// when it takes more than `limit`. Returns false (after logging the error)
// when it throws.
bool run_phase(const std::string& id, const std::string& title, std::chrono::seconds limit,
               const std::function<void()>& body);

}  // namespace b2c::init
