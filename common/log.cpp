#include "common/log.h"

#include <time.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "common/text.h"

namespace b2c {
namespace {

// Errors are red on a terminal, as the original prints them. Nothing else
// gets an escape code: farm executors match "...pipeline status: 0\r$", and a
// colour reset before the line's end would break that.
bool errors_in_red = false;

// Sections are for the boot's console (GitLab folds them): only once
// setup_logging() made it ours, never in a dry run or a unit test.
bool sections_shown = false;

// "[12.34]": seconds since boot, as /proc/uptime gives them.
class UptimeFlag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override
    {
        fmt::format_to(std::back_inserter(dest), "[{:.2f}]", uptime_seconds());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<UptimeFlag>(); }
};

// "ERROR: " and "WARNING: "; nothing for the rest.
class LevelWordFlag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override
    {
        std::string_view word = msg.level >= spdlog::level::err    ? "ERROR: "
                                : msg.level == spdlog::level::warn ? "WARNING: "
                                                                   : "";
        dest.append(word.data(), word.data() + word.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<LevelWordFlag>(); }
};

// The colour of an error line: `on` starts it, the other ends it.
class ErrorColourFlag : public spdlog::custom_flag_formatter {
public:
    explicit ErrorColourFlag(bool on) : on_(on) {}
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override
    {
        if (!errors_in_red || msg.level < spdlog::level::err)
            return;
        std::string_view code = on_ ? "\x1b[0;31m" : "\x1b[0m";
        dest.append(code.data(), code.data() + code.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<ErrorColourFlag>(on_); }

private:
    bool on_;
};

// The message itself, its control characters shown instead of sent (a
// value from outside cannot repaint the console), at most 64 KiB.
class SafeMessageFlag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override
    {
        constexpr std::size_t max_bytes = 64 << 10;
        std::string_view text(msg.payload.data(), msg.payload.size());
        auto safe = printable(text.substr(0, max_bytes), true, std::string::npos);
        if (text.size() > max_bytes)
            safe += fmt::format("... ({} more bytes)", text.size() - max_bytes);
        dest.append(safe.data(), safe.data() + safe.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<SafeMessageFlag>(); }
};

long long epoch_seconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

double uptime_seconds()
{
    timespec ts{};
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void setup_logging()
{
    // Unbuffered stderr: the console must show a line as soon as it is logged,
    // and interleave correctly with the output of podman.
    // Thread-safe: the DHCP lease keeper logs from its own thread.
    errors_in_red = ::isatty(STDERR_FILENO) == 1;
    sections_shown = true;
    auto logger = spdlog::get("b2c");
    if (!logger)
        logger = spdlog::stderr_logger_mt("b2c");
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<UptimeFlag>('*')
        .add_flag<LevelWordFlag>('&')
        .add_flag<ErrorColourFlag>('{', true)
        .add_flag<ErrorColourFlag>('}', false)
        .add_flag<SafeMessageFlag>('V')
        .set_pattern("%{%*: %&%V%}");
    logger->set_formatter(std::move(formatter));
    logger->set_level(spdlog::level::debug);
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

void begin_section(std::string_view id, std::string_view title, bool collapsed)
{
    if (!sections_shown) {
        spdlog::info("{}", title);
        return;
    }
    std::fprintf(stderr, "\x1b[0Ksection_start:%lld:%.*s%s\r\x1b[0K", epoch_seconds(), static_cast<int>(id.size()),
                 id.data(), collapsed ? "[collapsed=true]" : "");
    std::fflush(stderr);
    spdlog::info("{}", title);
}

void end_section(std::string_view id)
{
    if (!sections_shown)
        return;
    std::fprintf(stderr, "\x1b[0Ksection_end:%lld:%.*s\r\x1b[0K", epoch_seconds(), static_cast<int>(id.size()),
                 id.data());
    std::fflush(stderr);
}

Section::Section(std::string id, std::string_view title, bool collapsed) : id_(std::move(id))
{
    begin_section(id_, title, collapsed);
}

Section::~Section()
{
    end_section(id_);
}

}  // namespace b2c
