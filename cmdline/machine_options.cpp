// b2c.insmods, b2c.poweroff_delay, b2c.shutdown_cmd, b2c.reboot_cmd.
#include <fmt/format.h>

#include "cmdline/option_parsing.h"
#include "common/text.h"

namespace b2c::cmdline::detail {
namespace {

std::optional<std::vector<std::string>> command_value(std::string_view value, Reporter& report)
{
    try {
        auto words = split_shell_words(value);
        if (!words.empty())
            return words;
        report.error("empty command (expected a command line, e.g. \"poweroff -f\")");
    } catch (const SyntaxError& e) {
        report.error(fmt::format("{} (expected a command line with shell quoting)", e.what()));
    }
    return std::nullopt;
}

}  // namespace

void parse_insmods(std::string_view value, Config& config, Reporter& report)
{
    std::vector<std::string> modules;
    for (auto& name : split(value, ',')) {
        if (name.ends_with(".ko"))
            name.resize(name.size() - 3);
        if (name.empty())
            continue;
        if (!is_simple_name(name, "-_")) {
            report.error(fmt::format("'{}' is not a module name (expected b2c.insmods=NAME[.ko],NAME[.ko],...)", name));
            return;
        }
        modules.push_back(std::move(name));
    }
    config.machine.insmods = std::move(modules);
}

std::optional<std::chrono::seconds> seconds_value(std::string_view value, long long min, long long max,
                                                  std::string_view example, Reporter& report)
{
    // At most 7 digits before the range check: no overflow.
    bool ok = !value.empty() && value.size() <= 7;
    for (char c : value)
        ok = ok && c >= '0' && c <= '9';
    if (!ok) {
        report.error(
            fmt::format("'{}' is not a number of seconds (expected a non-negative integer, e.g. {})", value, example));
        return std::nullopt;
    }
    auto seconds = std::stoll(std::string(value));
    if (seconds > max) {
        report.error(fmt::format("{} s is more than {} (expected at most {} s)", seconds,
                                 max == 24 * 3600 ? "a day" : fmt::format("{} s", max), max));
        return std::nullopt;
    }
    if (seconds < min) {
        report.error(fmt::format("{} s is too short (expected at least {} s)", seconds, min));
        return std::nullopt;
    }
    return std::chrono::seconds(seconds);
}

void parse_poweroff_delay(std::string_view value, Config& config, Reporter& report)
{
    if (auto seconds = seconds_value(value, 0, 24 * 3600, "b2c.poweroff_delay=10", report))
        config.machine.poweroff_delay = *seconds;
}

void parse_shutdown_cmd(std::string_view value, Config& config, Reporter& report)
{
    if (auto command = command_value(value, report))
        config.machine.shutdown_cmd = std::move(command);
}

void parse_reboot_cmd(std::string_view value, Config& config, Reporter& report)
{
    if (auto command = command_value(value, report))
        config.machine.reboot_cmd = std::move(command);
}

}  // namespace b2c::cmdline::detail
