#include "init/extra_args.h"

#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cmdline/secrets.h"
#include "common/text.h"
#include "netcfg/bring_up.h"

namespace b2c::init {

cmdline::Config apply_extra_args(const std::string& kernel_line, const std::string& url,
                                 const std::vector<cmdline::ReadIn>& done)
{
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
    auto merged = cmdline::with_extra_args(kernel_line, extra, done);
    cmdline::log_diagnostics(merged);
    if (merged.has_errors())
        throw std::runtime_error(fmt::format("the options downloaded from {} have errors (see above)", url));
    return merged;
}

}  // namespace b2c::init
