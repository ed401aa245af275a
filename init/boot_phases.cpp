#include "init/boot_phases.h"

#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "cmdline/secrets.h"
#include "common/text.h"
#include "init/boot_report.h"
#include "init/console/keymap.h"
#include "init/extra_args.h"
#include "init/firmware.h"
#include "init/modules.h"
#include "init/runtime_summary.h"

namespace b2c::init {
namespace {

using cmdline::ReadIn;
using namespace std::chrono_literals;

// Without the newline the kernel ends /proc/cmdline with.
std::string read_kernel_cmdline()
{
    std::ifstream file("/proc/cmdline");
    std::string line{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    while (!line.empty() && (line.back() == '\n' || line.back() == ' '))
        line.pop_back();
    return line;
}

void read_command_line(Boot& boot)
{
    boot.kernel_line = read_kernel_cmdline();
    boot.config = cmdline::parse_config(boot.kernel_line);
    // Passwords and keys are on the line: masked where they stand, found in
    // the raw text whether or not their options parse.
    spdlog::info("kernel command line: {}", printable(cmdline::redact_cmdline(boot.kernel_line)));
    cmdline::log_diagnostics(boot.config);
    report_session_end(boot.config.machine, false);
    if (boot.config.has_errors())
        throw std::runtime_error("the kernel command line has errors (see above)");
    spdlog::info("configuration:\n{}", cmdline::describe(boot.config));
}

void load_named_modules(ModuleLoader& loader, const std::vector<std::string>& names)
{
    for (const auto& name : names)
        if (auto loaded = loader.load(name); !loaded)
            spdlog::warn("module {}: {} (fine if built into the kernel)", name, loaded.error());
}

// Before any driver loads: one may ask for its firmware as it probes.
void link_firmware()
{
    auto firmware = link_usr_firmware();
    if (firmware.links)
        spdlog::info("/lib/firmware: linked {} files or folders of /usr/lib/firmware it lacked (an archive of a "
                     "merged-/usr system)",
                     firmware.links);
    if (firmware.kept)
        spdlog::info("/lib/firmware: {} {} in /usr/lib/firmware too, /lib/firmware's used", firmware.kept,
                     firmware.kept == 1 ? "file is" : "files are");
    for (const auto& error : firmware.errors)
        spdlog::warn("/lib/firmware: {}", error);
}

void load_modules(Boot& boot)
{
    link_firmware();
    if (auto missing = missing_modules(kernel_release())) {
        if (missing->other_kernels)
            spdlog::warn("{}", missing->message);
        else
            spdlog::info("{}", missing->message);
        return;
    }
    auto dirs = module_dirs(kernel_release());
    if (dirs.size() > 1)
        spdlog::info("modules from {}, in that order", fmt::join(dirs, " then "));
    ModuleLoader loader(dirs);
    int matched = loader.load_drivers_for_all_devices();
    spdlog::info("loaded the drivers of {} devices", matched);
    auto wanted = storage::modules_needed(boot.config.storage);
    const auto& insmods = boot.config.machine.insmods;
    wanted.insert(wanted.end(), insmods.begin(), insmods.end());
    load_named_modules(loader, wanted);
}

void bring_up_storage(Boot& boot)
{
    // Options of an extra-args file may want modules the modules phase did
    // not know of (ext4, nfs, ...); loading one twice costs nothing.
    if (boot.config.network.extra_args_url && !missing_modules(kernel_release())) {
        ModuleLoader loader;
        load_named_modules(loader, storage::modules_needed(boot.config.storage));
    }
    boot.storage_up = true;
    boot.storage = storage::bring_up(boot.config.storage);
}

void set_clock(Boot& boot)
{
    boot.clock_set = true;
    netcfg::set_clock_from_ntp(*boot.config.network.ntp_peer, 5s);
}

void apply_extra_options(Boot& boot)
{
    // The download goes through the command line's proxy; the file's own
    // b2c.proxy is for what comes after it (the proxy phase).
    if (boot.config.network.proxy)
        netcfg::use_proxy(boot.config.network.proxy);
    boot.config =
        apply_extra_args(boot.kernel_line, *boot.config.network.extra_args_url, read_before("extra_args", boot));
    report_session_end(boot.config.machine, false);
    spdlog::info("configuration:\n{}", cmdline::describe(boot.config));
}

bool always(const Boot&)
{
    return true;
}

}  // namespace

const std::vector<Phase>& boot_phases()
{
    static const std::vector<Phase> phases{
        {"summary", "Runtime summary", std::nullopt, 60s, std::nullopt, always, [](Boot&) { log_runtime_summary(); }},
        {"cmdline", "Command line", std::nullopt, 60s, "the kernel command line has errors", always, read_command_line},
        {"modules", "Kernel modules", ReadIn::modules, 120s, std::nullopt, always, load_modules},
        // e2fsck of a large, damaged cache is the slow part. A cache on NFS
        // or CIFS comes after the network, and so does every cache when an
        // extra-args file may still bring its options (ci-tron and Mesa keep
        // b2c.cache_device and b2c.swap there); a missing cache is never fatal.
        {"storage", "Storage", ReadIn::storage, 1800s, std::nullopt,
         [](const Boot& boot) {
             return !storage::needs_network(boot.config.storage) && !boot.config.network.extra_args_url;
         },
         bring_up_storage},
        {"network", "Network", ReadIn::network, 180s, "no network", always,
         [](Boot& boot) {
             boot.host_name_set = boot.config.network.hostname;
             boot.network = netcfg::bring_up(boot.config.network);
         }},
        // Before any pull, and before an https extra-args file: TLS checks
        // certificates against the clock.
        {"clock", "Clock", ReadIn::clock, 60s, std::nullopt,
         [](const Boot& boot) { return boot.config.network.ntp_peer.has_value(); }, set_clock},
        {"extra_args", "Extra options", ReadIn::extra_args, 180s, "the extra options could not be applied",
         [](const Boot& boot) { return boot.config.network.extra_args_url.has_value(); }, apply_extra_options},
        // What the extra options brought, or what waited for the network.
        {"storage", "Storage", ReadIn::storage, 1800s, std::nullopt, [](const Boot& boot) { return !boot.storage_up; },
         bring_up_storage},
        {"clock", "Clock", ReadIn::clock, 60s, std::nullopt,
         [](const Boot& boot) { return boot.config.network.ntp_peer.has_value() && !boot.clock_set; }, set_clock},
        // After the extra options, which may bring it: podman's pulls, b2c.kube
        // and S3 go through it, the containers do not (netcfg/proxy.h).
        {"proxy", "Proxy", ReadIn::proxy, 60s, std::nullopt,
         [](const Boot& boot) { return boot.config.network.proxy.has_value(); },
         [](Boot& boot) { netcfg::use_proxy(boot.config.network.proxy); }},
        {"identity", "Host name", ReadIn::identity, 60s, std::nullopt,
         [](const Boot& boot) { return boot.config.network.hostname != boot.host_name_set; },
         [](Boot& boot) { netcfg::set_hostname(boot.config.network.hostname); }},
        // A missing layout only hurts whoever types on the console: said, not fatal.
        {"keymap", "Keymap", ReadIn::keymap, 60s, std::nullopt,
         [](const Boot& boot) { return boot.config.machine.keymap.has_value(); },
         [](Boot& boot) { console::load_keymap(*boot.config.machine.keymap); }},
    };
    return phases;
}

std::vector<cmdline::ReadIn> read_before(std::string_view id, const Boot& boot)
{
    std::vector<cmdline::ReadIn> read;
    for (const auto& phase : boot_phases()) {
        if (phase.reads && phase.wanted(boot))
            read.push_back(*phase.reads);
        if (phase.id == id)
            break;
    }
    return read;
}

}  // namespace b2c::init
