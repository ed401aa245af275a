// One phase of the boot: a GitLab collapsible section, its duration, and
// its failure reported as a sentence instead of an exception.
#pragma once

#include <functional>
#include <string>

namespace b2c::init {

// Runs `body` inside a section; returns false (after logging the error)
// when it throws.
bool run_phase(const std::string& id, const std::string& title, const std::function<void()>& body);

}  // namespace b2c::init
