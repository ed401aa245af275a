// b2c-vm: boots QEMU with a kernel and the b2c initramfs, the serial console
// on stdout/stdin, and exits with the guest's status (exit codes:
// b2c_vm_exit_codes.h, also in --help).
#include <filesystem>
#include <iostream>
#include <optional>

#include <csignal>
#include <unistd.h>

#include <fmt/format.h>

#include "common/run_command.h"
#include "tools/b2c-vm/accel.h"
#include "tools/b2c-vm/exit_codes.h"
#include "tools/b2c-vm/initrd.h"
#include "tools/b2c-vm/options.h"
#include "tools/b2c-vm/qemu_args.h"
#include "tools/b2c-vm/run.h"
#include "tools/b2c-vm/signals.h"

namespace {

std::string self_dir()
{
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : exe.parent_path().string();
}

void warn(const std::string& message)
{
    std::cerr << "b2c-vm: " << message << std::endl;
}

int exit_code_for(const b2c::vm::RunResult& result)
{
    using b2c::vm::RunEnd;
    switch (result.end) {
    case RunEnd::status: return result.status & 0xff;
    case RunEnd::timeout: warn("timeout: QEMU was stopped"); return b2c::vm::kExitTimeout;
    case RunEnd::interrupted: return 128 + result.signal;
    case RunEnd::no_pipeline:
        warn("the guest ended its session without running its pipeline: see the errors above");
        return b2c::vm::kExitNoPipeline;
    case RunEnd::qemu_failed:
        warn(fmt::format("QEMU exited with code {} before the guest reported a status", result.qemu_exit));
        return b2c::vm::kExitQemuFailed;
    case RunEnd::no_status:
    case RunEnd::not_alive: break;
    }
    warn("the guest stopped without printing its status (crash or kernel panic?): "
         "see the console above");
    return b2c::vm::kExitNoStatus;
}

// The QEMU command line as a shell runs it; with more than one archive, the
// initrd is the concatenation b2c-vm makes in a temporary file at run time
// (truncate -s %4: each archive from a multiple of 4 bytes, as b2c-vm does).
std::string dry_run_line(b2c::vm::VmOptions options, b2c::vm::Accel accel, const std::string& cmdline)
{
    auto parts = b2c::vm::initrd_parts(options);
    if (parts.size() == 1)
        return b2c::format_command_line(b2c::vm::qemu_argv(options, accel, cmdline));
    const std::string marker = "@B2C_INITRD@";
    options.initramfs = marker;
    auto qemu = b2c::format_command_line(b2c::vm::qemu_argv(options, accel, cmdline));
    qemu.replace(qemu.find(marker), marker.size(), "\"$INITRD\"");
    std::string concat = "INITRD=$(mktemp)";
    for (const auto& part : parts)
        concat +=
            fmt::format(" && truncate -s %4 \"$INITRD\" && cat {} >>\"$INITRD\"", b2c::format_command_line({part}));
    return fmt::format("{} && {}", concat, qemu);
}

int run(int argc, const char* const argv[])
{
    using namespace b2c::vm;
    auto options = parse_options(argc, argv);
    if (options.help) {
        std::cout << help_text();
        return 0;
    }
    resolve_defaults(options, self_dir());
    if (!options.notice.empty())
        warn(options.notice);
    bool stdin_is_tty = ::isatty(STDIN_FILENO);
    auto cmdline = kernel_cmdline(options, stdin_is_tty);

    // KVM runs guests of this machine's architecture only.
    bool kvm_usable = options.accel == Accel::automatic && options.arch == kHostArch && kvm_device_usable();
    auto attempts = plan_attempts(options.accel, kvm_usable);
    if (options.dry_run) {
        std::cout << dry_run_line(options, attempts.front().accel, cmdline) << "\n";
        return 0;
    }
    std::optional<ConcatenatedInitrd> initrd;
    if (auto parts = initrd_parts(options); parts.size() > 1) {
        initrd.emplace(parts);
        options.initramfs = initrd->path();
    }

    ::signal(SIGPIPE, SIG_IGN);
    SignalWatch signals;
    TerminalGuard terminal;
    RunSettings settings;
    if (options.timeout_seconds)
        settings.deadline = Clock::now() + std::chrono::seconds(options.timeout_seconds);
    RunResult result;
    for (const auto& attempt : attempts) {
        settings.probe_timeout.reset();
        if (attempt.probe)
            settings.probe_timeout = kKvmProbeTimeout;
        result = run_qemu(qemu_argv(options, attempt.accel, cmdline), settings, signals);
        if (result.end != RunEnd::not_alive || !attempt.probe)
            break;
        auto why = result.qemu_ended
                       ? fmt::format("QEMU exited with code {} before the guest printed anything", result.qemu_exit)
                       : fmt::format("no kernel output within {} s", kKvmProbeTimeout.count());
        warn(fmt::format("KVM did not run the guest ({}): restarting with TCG, which is slower; "
                         "--accel tcg skips this check",
                         why));
    }
    return exit_code_for(result);
}

}  // namespace

int main(int argc, char* argv[])
{
    try {
        return run(argc, argv);
    } catch (const b2c::vm::UsageError& e) {
        warn(e.what());
        return b2c::vm::kExitUsage;
    } catch (const b2c::vm::QemuStartError& e) {
        warn(e.what());
        return b2c::vm::kExitQemuFailed;
    } catch (const std::exception& e) {
        warn(e.what());
        return b2c::vm::kExitQemuFailed;
    }
}
