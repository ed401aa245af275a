// The order of a boot (docs/cmdline.md, "Order of a boot"), as a table: the
// one place that knows it. Each phase brings up one domain through that
// domain's own header (storage/bring_up.h, netcfg/bring_up.h, the console),
// reads some options (the option table's phase column, cmdline::ReadIn),
// may be skipped, has a watchdog limit, and is fatal or not: when a fatal
// phase fails, the pipeline is not run.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmdline/config.h"
#include "netcfg/bring_up.h"
#include "storage/bring_up.h"

namespace b2c::init {

// What the phases hand on to the later ones and to the pipeline.
struct Boot {
    std::string kernel_line;
    cmdline::Config config;
    storage::Storage storage;   // held until the machine goes down
    netcfg::Network network;    // its leases kept as long
    std::string host_name_set;  // by the network phase: the extra options may change it
    bool storage_up = false;    // the cache and swap: before the network, or after the extra options
    bool clock_set = false;     // before the extra options, or after them when they name the peer
};

struct Phase {
    std::string_view id;  // the GitLab section's name
    std::string_view title;
    std::optional<cmdline::ReadIn> reads;  // the options it reads, if any
    std::chrono::seconds limit;            // the watchdog's
    // Fatal: when it fails, the pipeline is not run, for this reason.
    std::optional<std::string_view> fatal_because;
    std::function<bool(const Boot&)> wanted;
    std::function<void(Boot&)> run;
};

const std::vector<Phase>& boot_phases();

// What the phases up to `id` that `boot` wants read: what an extra-args
// file comes too late for. A phase that waits for the extra options (the
// storage of a boot with b2c.extra_args_url) is not among them.
std::vector<cmdline::ReadIn> read_before(std::string_view id, const Boot& boot);

}  // namespace b2c::init
