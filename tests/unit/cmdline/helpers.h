// Shared by the cmdline unit tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cmdline/config.h"

namespace b2c::cmdline::test {

// A valid fscrypt key: 64 bytes (0, 1, ..., 63) in base 64.
inline const std::string key64 =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

inline std::vector<Diagnostic> with_severity(const Config& config, Diagnostic::Severity severity)
{
    std::vector<Diagnostic> found;
    for (const auto& d : config.diagnostics)
        if (d.severity == severity)
            found.push_back(d);
    return found;
}

inline std::vector<Diagnostic> errors(const Config& config)
{
    return with_severity(config, Diagnostic::Severity::error);
}

inline std::vector<Diagnostic> warnings(const Config& config)
{
    return with_severity(config, Diagnostic::Severity::warning);
}

// The one error of `config`, as a message ("" and a failed check otherwise).
inline std::string only_error(const Config& config)
{
    auto found = errors(config);
    return found.size() == 1 ? found[0].message : fmt::format("<{} errors>", found.size());
}

inline std::string only_warning(const Config& config)
{
    auto found = warnings(config);
    return found.size() == 1 ? found[0].message : fmt::format("<{} warnings>", found.size());
}

inline bool contains(std::string_view text, std::string_view part)
{
    return text.find(part) != std::string_view::npos;
}

}  // namespace b2c::cmdline::test
