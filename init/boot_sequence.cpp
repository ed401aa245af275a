#include "init/boot_sequence.h"

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

#include <spdlog/spdlog.h>

#include "cmdline/config.h"
#include "common/log.h"
#include "common/run_command.h"
#include "common/console_mode.h"
#include "init/modules.h"
#include "init/phase.h"
#include "init/runtime_summary.h"
#include "init/shutdown.h"
#include "netcfg/keymap.h"
#include "netcfg/network.h"
#include "pipeline/pipeline.h"

namespace b2c::init {
namespace {

using cmdline::Config;
using pipeline::ShutdownMode;
using pipeline::Status;

// Options whose effect belongs to a later capability: parsed and validated
// today, but the boot says plainly that they do nothing yet.
const char* const kNotSupportedYet[] = {
    "b2c.ntp_peer", "b2c.extra_args_url", "b2c.swap", "b2c.minio",
};

std::string read_kernel_cmdline()
{
    std::ifstream file("/proc/cmdline");
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void report_diagnostics(const Config& config)
{
    for (const auto& d : config.diagnostics) {
        if (d.severity == cmdline::Diagnostic::Severity::error)
            spdlog::error("{}", d.message);
        else
            spdlog::warn("{}", d.message);
    }
}

void report_unsupported_options(const Config& config)
{
    for (const auto& name : config.options_given)
        for (const char* unsupported : kNotSupportedYet)
            if (name == unsupported)
                spdlog::warn("{} is not supported yet by this initramfs: ignored", name);
    if (config.storage.cache.kind != cmdline::CacheDevice::Kind::none)
        spdlog::warn("b2c.cache_device is not supported yet by this initramfs: images and "
                     "volumes live in RAM");
    for (const auto& iface : config.network.interfaces)
        if (!iface.dhcp || iface.forward || !iface.routes.empty() || !iface.nameservers.empty())
            spdlog::warn("b2c.iface={}: only DHCP is supported yet by this initramfs", iface.name);
}

void load_modules(const Config& config)
{
    ModuleLoader loader;
    int matched = loader.load_drivers_for_all_devices();
    spdlog::info("loaded the drivers of {} devices", matched);
    // Always needed by podman's image store, whatever the hardware.
    std::vector<std::string> wanted{"overlay"};
    for (const auto& fs : config.storage.filesystems)
        if (!fs.type.empty())
            wanted.push_back("fs-" + fs.type);
    wanted.insert(wanted.end(), config.machine.insmods.begin(), config.machine.insmods.end());
    for (const auto& name : wanted) {
        std::string error;
        if (!loader.load(name, error))
            spdlog::warn("module {}: {} (fine if built into the kernel)", name, error);
    }
}

// Without a cache, podman's image store lives in RAM. overlayfs wants a real
// tmpfs under it, not the initramfs' rootfs.
void prepare_image_store()
{
    if (mount("containers", "/var/lib/containers", "tmpfs", 0, "mode=0700") != 0)
        throw std::runtime_error(fmt::format("cannot mount a tmpfs on /var/lib/containers: {}",
                                             std::strerror(errno)));
}

void bring_up_network(const Config& config)
{
    netcfg::bring_up_loopback();
    const auto& net = config.network;
    if (net.kernel_configured) {
        spdlog::info("ip= given: keeping the kernel's network configuration");
        netcfg::adopt_kernel_ip_config();
        return;
    }
    constexpr std::chrono::seconds kLeaseTimeout{10};
    netcfg::ConfiguredInterface up;
    if (net.interfaces.empty()) {
        up = netcfg::configure_dhcp_on_wired_interfaces(std::chrono::seconds(10), kLeaseTimeout);
    } else {
        std::vector<std::string> names;
        for (const auto& iface : net.interfaces)
            names.push_back(iface.name);
        up = netcfg::configure_dhcp_on(names, kLeaseTimeout);
    }
    spdlog::info("network up: {} has {}", up.name, up.address.str());
}

// Runs b2c.shutdown_cmd / b2c.reboot_cmd. If they return, PID 1 does the
// job itself with reboot(2).
void run_custom_shutdown(const std::optional<std::vector<std::string>>& cmd)
{
    if (!cmd)
        return;
    try {
        Command command;
        command.argv = *cmd;
        command.timeout = std::chrono::seconds(60);
        command.capture_output = false;
        auto result = run_command(command);
        spdlog::warn("'{}' returned {}: finishing the shutdown ourselves",
                     format_command_line(*cmd), result.exit_code);
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
    }
}

int finish(const Config& config, const Status& status, const std::string& why)
{
    make_console_blocking();
    // b2c-vm and CI scripts read this exact line.
    spdlog::info("b2c: pipeline status: {}", status.status);
    if (!why.empty())
        spdlog::info("{}", why);
    bool reboot = status.shutdown_mode == ShutdownMode::reboot;
    if (!reboot && config.machine.poweroff_delay.count() > 0) {
        spdlog::info("powering off in {} s (b2c.poweroff_delay)", config.machine.poweroff_delay.count());
        std::this_thread::sleep_for(config.machine.poweroff_delay);
    }
    run_custom_shutdown(reboot ? config.machine.reboot_cmd : config.machine.shutdown_cmd);
    return reboot ? kExitReboot : kExitPowerOff;
}

int failed_boot(const Config& config, const std::string& reason)
{
    spdlog::error("{}", reason);
    Status status;
    status.status = 1;
    status.failed_by = reason;
    return finish(config, status, "the pipeline was not run");
}

}  // namespace

int run_boot_sequence()
{
    Config config;
    try {
        run_phase("summary", "Runtime summary", [] { log_runtime_summary(); });

        run_phase("cmdline", "Command line", [&] {
            auto line = read_kernel_cmdline();
            config = cmdline::parse_config(line);
            // Passwords and keys are on the line: never print it unmasked.
            // A line that does not even tokenize is not printed at all (its
            // secrets are unknown); the error says where it broke.
            if (!config.has_errors() || !config.options_given.empty())
                spdlog::info("kernel command line: {}", redact(line, config.secrets()));
            report_diagnostics(config);
            if (!config.has_errors())
                spdlog::info("configuration:\n{}", cmdline::describe(config));
        });
        if (config.has_errors())
            return failed_boot(config, "the kernel command line has errors (see above)");
        report_unsupported_options(config);

        run_phase("modules", "Kernel modules", [&] { load_modules(config); });
        run_phase("storage", "Storage", [] { prepare_image_store(); });

        bool network_ok = run_phase("network", "Network", [&] {
            bring_up_network(config);
            netcfg::set_hostname(config.network.hostname);
            // A missing layout only hurts whoever types on the console: say so, go on.
            try {
                if (config.network.keymap)
                    netcfg::load_keymap(*config.network.keymap);
            } catch (const std::exception& e) {
                spdlog::error("{}", e.what());
            }
        });
        if (!network_ok)
            return failed_boot(config, "no network: cannot run the pipeline");

        Status status;
        if (config.pipeline.runs.empty() && config.pipeline.services.empty() &&
            config.pipeline.posts.empty())
            spdlog::info("no container to run (b2c.run, b2c.run_service, b2c.run_post)");
        else
            status = pipeline::run_pipeline(config);  // phases and sections of its own
        return finish(config, status,
                      fmt::format("shutdown mode: {}", pipeline::to_string(status.shutdown_mode)));
    } catch (const std::exception& e) {
        return failed_boot(config, fmt::format("the boot sequence failed: {}", e.what()));
    } catch (...) {
        return failed_boot(config, "the boot sequence failed with an unknown exception");
    }
}

}  // namespace b2c::init
