#include "init/extra_args.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cmdline/secrets.h"
#include "common/text.h"
#include "netcfg/http_download.h"

namespace b2c::init {
namespace {

// Options read by the phases that come before the download.
constexpr std::array kTooLate{
    "b2c.insmods", "b2c.cache_device", "b2c.swap", "b2c.iface", "b2c.ntp_peer", "b2c.extra_args_url",
};

}  // namespace

cmdline::Config apply_extra_args(const std::string& kernel_line, const cmdline::Config& config) {
    const auto& url = *config.network.extra_args_url;
    spdlog::info("downloading extra options from {}", url);
    auto extra = netcfg::http_get(url);

    // The downloaded text may hold secrets of its own, in options with or
    // without errors: masked where they stand, whatever else is wrong.
    constexpr std::size_t shown_at_most = 8192;
    auto shown = printable(cmdline::redact_cmdline(extra), true);
    if (shown.size() > shown_at_most)
        shown = fmt::format("{}... ({} more bytes not shown)", shown.substr(0, shown_at_most),
                            shown.size() - shown_at_most);
    spdlog::info("extra options ({} bytes): {}", extra.size(), shown);
    auto merged = cmdline::parse_config(fmt::format("{}\n{}", kernel_line, extra));
    for (const auto& d : merged.diagnostics) {
        if (d.severity == cmdline::Diagnostic::Severity::error)
            spdlog::error("{}", d.message);
        else
            spdlog::warn("{}", d.message);
    }
    if (merged.has_errors())
        throw std::runtime_error(fmt::format("the options downloaded from {} have errors (see above)", url));
    for (const auto& span : cmdline::scan_params(extra)) {
        std::string_view name(extra.data() + span.name_begin, span.name_end - span.name_begin);
        if (std::find(kTooLate.begin(), kTooLate.end(), name) != kTooLate.end())
            spdlog::warn("{} from b2c.extra_args_url comes too late to take effect (its phase has run): "
                         "put it on the kernel command line",
                         name);
    }
    // What the earlier phases used stays as it was, whatever the download says.
    merged.network.interfaces = config.network.interfaces;
    merged.network.kernel_configured = config.network.kernel_configured;
    merged.network.ntp_peer = config.network.ntp_peer;
    merged.network.extra_args_url = config.network.extra_args_url;
    merged.storage.cache = config.storage.cache;
    merged.storage.swap_bytes = config.storage.swap_bytes;
    merged.machine.insmods = config.machine.insmods;
    return merged;
}

}  // namespace b2c::init
