// b2c.insmods, b2c.poweroff_delay, b2c.shutdown_cmd, b2c.reboot_cmd.
#include <fmt/format.h>

#include "cmdline/option_parsing.h"
#include "common/text.h"

namespace b2c::cmdline::detail {
namespace {

// What the shutdown runs, PID 1 packs in 2 KiB (init/boot_report.h).
constexpr std::size_t longest_command = 2000;

// The original runs the command with a shell (`eval`), with the pipeline's
// variables: `echo JOB_RESULT=$B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE;
// poweroff -f` is a real job. So do we: `sh -c VALUE`. The quoting is
// checked now, so that a typo is an error at boot, not at the end.
std::optional<std::vector<std::string>> command_value(std::string_view value, Reporter& report)
{
    try {
        if (split_shell_words(value).empty())
            report.error("empty command (expected a command line, e.g. \"poweroff -f\")");
        else if (value.size() > longest_command)
            report.error(fmt::format("the command is {} bytes long (expected at most {}: put a script in an image "
                                     "or a b2c.filesystem and run that)",
                                     value.size(), longest_command));
        else
            return std::vector<std::string>{"sh", "-c", std::string(value)};
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
