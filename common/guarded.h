// The top frame of every thread we start: nothing may escape a thread
// (std::terminate would take the boot sequence down with it), so whatever
// the body throws is logged, naming what stopped, and swallowed.
#pragma once

#include <exception>
#include <string_view>

#include <spdlog/spdlog.h>

namespace b2c {

// Returns false when `body` threw.
template <typename Body>
bool run_guarded(std::string_view what, Body&& body) noexcept
{
    try {
        body();
        return true;
    } catch (const std::exception& e) {
        spdlog::error("{} stopped: {}", what, e.what());
    } catch (...) {
        spdlog::error("{} stopped: an unknown exception", what);
    }
    return false;
}

}  // namespace b2c
