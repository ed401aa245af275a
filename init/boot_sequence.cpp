#include "init/boot_sequence.h"

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>

#include "cmdline/config.h"
#include "cmdline/secrets.h"
#include "common/text.h"
#include "common/log.h"
#include "common/run_command.h"
#include "common/console_mode.h"
#include "init/boot_report.h"
#include "init/extra_args.h"
#include "init/modules.h"
#include "init/phase.h"
#include "init/runtime_summary.h"
#include "init/shutdown.h"
#include "netcfg/clock.h"
#include "netcfg/keymap.h"
#include "netcfg/lease_keeper.h"
#include "netcfg/network.h"
#include "pipeline/pipeline.h"
#include "pipeline/runtime.h"
#include "storage/cache.h"
#include "storage/swap.h"

namespace b2c::init {
namespace {

using cmdline::Config;
using pipeline::ShutdownMode;
using pipeline::Status;

// Without the newline the kernel ends /proc/cmdline with.
std::string read_kernel_cmdline()
{
    std::ifstream file("/proc/cmdline");
    std::string line{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    while (!line.empty() && (line.back() == '\n' || line.back() == ' '))
        line.pop_back();
    return line;
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
    // A cache on a network file system is an ext4 image file, loop mounted.
    if (config.storage.cache.kind == cmdline::CacheDevice::Kind::filesystem)
        wanted.push_back("loop");
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

// A b2c.filesystem cache over NFS or CIFS can only be mounted once the
// network is up.
bool cache_is_on_the_network(const cmdline::StorageConfig& storage)
{
    if (storage.cache.kind != cmdline::CacheDevice::Kind::filesystem)
        return false;
    for (const auto& fs : storage.filesystems)
        if (fs.name == storage.cache.name)
            return fs.type.starts_with("nfs") || fs.type == "cifs" || fs.type == "smb3";
    return false;
}

// The cache (or podman's store in RAM without one), then the swap file on it.
void set_up_storage(const Config& config, std::optional<storage::Cache>& cache,
                    std::optional<storage::SwapFile>& swap)
{
    cache = storage::setup_cache(config.storage);
    if (!cache)
        prepare_image_store();
    if (!config.storage.swap_bytes)
        return;
    if (!cache) {
        spdlog::warn("b2c.swap needs a cache (b2c.cache_device): going on without swap");
        return;
    }
    try {
        swap.emplace(cache->mount_point() + "/swapfile", *config.storage.swap_bytes);
    } catch (const std::exception& e) {
        spdlog::error("b2c.swap: {}; going on without swap", e.what());
    }
}

// What the network phase configured; DHCP leases in it are kept by
// keep_leases() for as long as the machine runs.
std::vector<netcfg::ConfiguredInterface> bring_up_network(const Config& config)
{
    netcfg::bring_up_loopback();
    const auto& net = config.network;
    if (net.kernel_configured) {
        if (netcfg::adopt_kernel_ip_config()) {
            spdlog::info("ip= given: keeping the kernel's network configuration");
            return {};
        }
        spdlog::warn("ip= given, but this kernel has no IP autoconfiguration (CONFIG_IP_PNP) and ignored it: "
                     "configuring the network ourselves");
    }
    constexpr std::chrono::seconds kLinkTimeout{10};
    constexpr std::chrono::seconds kLeaseTimeout{10};
    std::vector<netcfg::ConfiguredInterface> up;
    if (net.interfaces.empty())
        up.push_back(netcfg::configure_dhcp_on_wired_interfaces(kLinkTimeout, kLeaseTimeout));
    else
        up = netcfg::configure_interfaces(net.interfaces, kLinkTimeout, kLeaseTimeout);
    for (const auto& iface : up)
        spdlog::info("network up: {} has {}", iface.name, iface.address.str());
    return up;
}

// A farm gateway runs for weeks: its DHCP leases are renewed in the
// background (RFC 2131 T1/T2), and a lost one is looked for again.
std::vector<std::unique_ptr<netcfg::LeaseKeeper>> keep_leases(const Config& config,
                                                             const std::vector<netcfg::ConfiguredInterface>& up)
{
    std::vector<std::unique_ptr<netcfg::LeaseKeeper>> keepers;
    netcfg::LeaseKeeperSettings settings;
    settings.host_name = config.network.hostname;
    for (const auto& iface : config.network.interfaces)
        settings.nameservers_first.insert(settings.nameservers_first.end(), iface.nameservers.begin(),
                                          iface.nameservers.end());
    for (const auto& iface : up) {
        if (!iface.lease || netcfg::is_infinite(*iface.lease))
            continue;
        keepers.push_back(std::make_unique<netcfg::LeaseKeeper>(*iface.lease, settings));
        spdlog::info("DHCP: keeping the lease of {} (renewal in {} s)", iface.name, iface.lease->renewal_seconds);
    }
    return keepers;
}

// Every phase's bound (the watchdog's, see boot_report.h): generous, so
// that only a hang trips it. Each phase also bounds its own waits.
namespace limits {
constexpr std::chrono::seconds quick{60};
constexpr std::chrono::seconds modules{120};
constexpr std::chrono::seconds network{180};
// e2fsck of a large, damaged cache is the slow part.
constexpr std::chrono::seconds storage{1800};
constexpr std::chrono::seconds download{180};
}  // namespace limits

// What PID 1 needs to end the session, known as soon as the command line is.
void report_how_to_end(const Config& config, ShutdownMode mode)
{
    report_session_end(mode == ShutdownMode::reboot, config.machine.poweroff_delay, config.machine.shutdown_cmd,
                       config.machine.reboot_cmd);
}

void failed_boot(const std::string& reason)
{
    spdlog::error("{}: the pipeline was not run", reason);
}

// The pipeline's runtime, wired to the boot report: its status for PID 1,
// and the watchdog around the steps that are ours (containers and pulls
// have no limit: they are the user's, and pulls watch their own progress).
pipeline::Runtime pipeline_runtime(const Config& config)
{
    pipeline::Runtime runtime;
    runtime.secrets = config.secrets();
    runtime.store_dir = "/var/lib/containers";
    runtime.watch = [](std::string_view step, std::chrono::seconds limit) { watch_step(step, limit); };
    runtime.report = [&config](const Status& status, bool over) {
        report_pipeline(over ? PipelineProgress::over : PipelineProgress::running, status.status);
        report_how_to_end(config, status.shutdown_mode);
    };
    return runtime;
}

}  // namespace

void run_boot_sequence()
{
    Config config;
    std::string kernel_line;
    try {
        run_phase("summary", "Runtime summary", limits::quick, [] { log_runtime_summary(); });

        run_phase("cmdline", "Command line", limits::quick, [&] {
            kernel_line = read_kernel_cmdline();
            const auto& line = kernel_line;
            config = cmdline::parse_config(line);
            // Passwords and keys are on the line: masked where they stand,
            // found in the raw text whether or not their options parse.
            spdlog::info("kernel command line: {}", printable(cmdline::redact_cmdline(line)));
            report_diagnostics(config);
            if (!config.has_errors())
                spdlog::info("configuration:\n{}", cmdline::describe(config));
        });
        report_how_to_end(config, ShutdownMode::default_mode);
        if (config.has_errors())
            return failed_boot("the kernel command line has errors (see above)");

        run_phase("modules", "Kernel modules", limits::modules, [&] { load_modules(config); });
        // The cache and the swap on it live until the machine goes down; the
        // swap goes first (declared last).
        std::optional<storage::Cache> cache;
        std::optional<storage::SwapFile> swap;
        const bool cache_needs_network = cache_is_on_the_network(config.storage);
        if (!cache_needs_network)
            run_phase("storage", "Storage", limits::storage, [&] { set_up_storage(config, cache, swap); });

        std::vector<netcfg::ConfiguredInterface> network;
        // The host name goes first: DHCP sends it (option 12).
        std::string host_name = config.network.hostname;
        bool network_ok = run_phase("network", "Network", limits::network, [&] {
            netcfg::set_hostname(host_name);
            network = bring_up_network(config);
        });
        if (!network_ok)
            return failed_boot("no network");
        if (cache_needs_network)
            run_phase("storage", "Storage", limits::storage, [&] { set_up_storage(config, cache, swap); });
        // Before any pull: TLS checks certificates against the clock. Never fatal.
        if (config.network.ntp_peer)
            run_phase("clock", "Clock", limits::quick,
                      [&] { netcfg::set_clock_from_ntp(*config.network.ntp_peer, std::chrono::seconds(5)); });
        if (config.network.extra_args_url) {
            bool extra_ok = run_phase("extra_args", "Extra options", limits::download, [&] {
                config = apply_extra_args(kernel_line, config);
                spdlog::info("configuration:\n{}", cmdline::describe(config));
            });
            if (!extra_ok)
                return failed_boot("the extra options could not be applied");
            report_how_to_end(config, ShutdownMode::default_mode);
        }
        if (config.network.hostname != host_name)  // changed by the extra options
            run_phase("identity", "Host name", limits::quick, [&] { netcfg::set_hostname(config.network.hostname); });
        // A missing layout only hurts whoever types on the console: say so, go on.
        if (config.network.keymap)
            run_phase("keymap", "Keymap", limits::quick, [&] { netcfg::load_keymap(*config.network.keymap); });
        auto lease_keepers = keep_leases(config, network);

        if (config.pipeline.runs.empty() && config.pipeline.services.empty() && config.pipeline.posts.empty()) {
            spdlog::info("no container to run (b2c.run, b2c.run_service, b2c.run_post)");
            return;
        }
        auto status = pipeline::run_pipeline(config, pipeline_runtime(config));  // phases and sections of its own
        report_how_to_end(config, status.shutdown_mode);
    } catch (const std::exception& e) {
        failed_boot(fmt::format("the boot sequence failed: {}", e.what()));
    } catch (...) {
        failed_boot("the boot sequence failed with an unknown exception");
    }
}

}  // namespace b2c::init
