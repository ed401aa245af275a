#include "common/log.h"

#include <time.h>

#include <cstdio>

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace b2c {
namespace {

class UptimeFlag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override
    {
        fmt::format_to(std::back_inserter(dest), "[{:8.3f}]", uptime_seconds());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override
    {
        return std::make_unique<UptimeFlag>();
    }
};

long long epoch_seconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
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
    auto logger = spdlog::stderr_logger_mt("b2c");
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<UptimeFlag>('*').set_pattern("%* %^%l%$: %v");
    logger->set_formatter(std::move(formatter));
    logger->set_level(spdlog::level::debug);
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

void begin_section(std::string_view id, std::string_view title, bool collapsed)
{
    std::fprintf(stderr, "\x1b[0Ksection_start:%lld:%.*s%s\r\x1b[0K", epoch_seconds(),
                 static_cast<int>(id.size()), id.data(), collapsed ? "[collapsed=true]" : "");
    std::fflush(stderr);
    spdlog::info("=== {} ===", title);
}

void end_section(std::string_view id)
{
    std::fprintf(stderr, "\x1b[0Ksection_end:%lld:%.*s\r\x1b[0K", epoch_seconds(),
                 static_cast<int>(id.size()), id.data());
    std::fflush(stderr);
}

Section::Section(std::string id, std::string_view title, bool collapsed) : id_(std::move(id))
{
    begin_section(id_, title, collapsed);
}

Section::~Section() { end_section(id_); }

}  // namespace b2c
