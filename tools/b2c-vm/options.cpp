#include "tools/b2c-vm/options.h"

#include <cstring>
#include <filesystem>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "tools/b2c-vm/exit_codes.h"
#include "tools/b2c-vm/initrd.h"
#include "tools/b2c-vm/kernel_image.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace b2c::vm {
namespace {

// The core and its modules archive first, else the all-in-one file.
std::vector<std::string> initramfs_names(Arch arch)
{
    return {fmt::format("initramfs-core.linux_{}.cpio.zst", arch_name(arch)),
            fmt::format("initramfs.linux_{}.cpio.zst", arch_name(arch))};
}

po::options_description describe(VmOptions& o, std::string& accel, std::string& arch)
{
    po::options_description desc("Options");
    desc.add_options()("help,h", po::bool_switch(&o.help), "show this help and exit")(
        "arch", po::value(&arch)->value_name("amd64|arm64")->default_value(std::string(arch_name(kHostArch))),
        "the guest's architecture: amd64 boots in qemu-system-x86_64 -machine q35, arm64 in qemu-system-aarch64 "
        "-machine virt; a guest of another architecture than this machine's runs under TCG")(
        "kernel", po::value(&o.kernel)->value_name("PATH"),
        "kernel image (default: the newest vmlinuz-* of the architecture next to the initramfs, else in /boot)")(
        "initramfs", po::value(&o.initramfs)->value_name("PATH"),
        "initramfs (default: initramfs-core.linux_ARCH.cpio.zst, else initramfs.linux_ARCH.cpio.zst, next to "
        "b2c-vm, else in ./)")("modules", po::value(&o.modules)->value_name("PATH|auto|none")->default_value("auto"),
                               "kernel modules archive loaded after the initramfs; auto: modules-RELEASE.cpio.zst "
                               "of the kernel's release next to a core initramfs (initramfs-core.*)")(
        "initrd-before", po::value(&o.initrds_before)->value_name("PATH")->composing(),
        "a cpio archive (compressed or not) loaded before the initramfs, as a farm gives its firmware archive "
        "(repeatable, in this order)")(
        "initrd-after", po::value(&o.initrds_after)->value_name("PATH")->composing(),
        "a cpio archive loaded after the initramfs and its modules archive (repeatable, in this order)")(
        "memory", po::value(&o.memory_mib)->value_name("MiB")->default_value(2048),
        "guest RAM")("cpus", po::value(&o.cpus)->value_name("N")->default_value(2),
                     "guest CPUs")("accel", po::value(&accel)->value_name("auto|kvm|tcg")->default_value("auto"),
                                   "auto: KVM when it works, else TCG (software emulation)")(
        "tcg-thread", po::value(&o.tcg_thread)->value_name("single|multi")->default_value("single"),
        "with TCG: one host thread for all guest CPUs (single, the default: QEMU 7.2's multi-threaded TCG lets "
        "a guest hang on kernel code another CPU rewrote) or one per CPU (multi)")(
        "disk", po::value(&o.disks)->value_name("PATH")->composing(), "raw disk image as a virtio disk (repeatable)")(
        "append", po::value(&o.appends)->value_name("OPTIONS")->composing(),
        "b2c options as on a kernel command line, e.g. 'b2c.run=\"-ti alpine\"' (repeatable)")(
        "kernel-arg", po::value(&o.kernel_args)->value_name("ARG")->composing(), "raw kernel parameter (repeatable)")(
        "user-net", po::value(&o.user_net)->value_name("OPTS"),
        "options added to the user-mode NIC (eth0), e.g. hostfwd=tcp::8080-:80 or net=10.0.3.0/24")(
        "qemu", po::value(&o.qemu_args)->value_name("ARG")->composing(),
        "extra QEMU argument, one word each (repeatable)")(
        "timeout", po::value(&o.timeout_seconds)->value_name("SECONDS")->default_value(0),
        "kill QEMU after this long (0: never)")("image", po::value<std::string>()->value_name("REF"),
                                                "container image to run")(
        "command", po::value<std::string>()->value_name("CMD"), "command run with 'sh -c' in the image")(
        "workdir", po::value<std::string>()->value_name("DIR"),
        "host folder shared read-write at the same path, the command's working directory")(
        "dry-run", po::bool_switch(&o.dry_run), "print the QEMU command line and exit");
    return desc;
}

Accel parse_accel(const std::string& text)
{
    if (text == "auto")
        return Accel::automatic;
    if (text == "kvm")
        return Accel::kvm;
    if (text == "tcg")
        return Accel::tcg;
    throw UsageError(fmt::format("--accel must be auto, kvm or tcg, not '{}'", text));
}

std::optional<std::string> optional_value(const po::variables_map& vm, const char* name)
{
    if (!vm.count(name))
        return std::nullopt;
    return vm[name].as<std::string>();
}

}  // namespace

VmOptions parse_options(int argc, const char* const argv[])
{
    VmOptions options;
    std::string accel, arch;
    auto desc = describe(options, accel, arch);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(fmt::format("{} (see b2c-vm --help)", e.what()));
    }
    if (options.help)
        return options;
    options.accel = parse_accel(accel);
    auto parsed_arch = parse_arch(arch);
    if (!parsed_arch)
        throw UsageError(fmt::format("--arch must be amd64 or arm64, not '{}'", arch));
    options.arch = *parsed_arch;
    if (options.accel == Accel::kvm && options.arch != kHostArch)
        throw UsageError(fmt::format("--accel kvm runs guests of this machine's architecture ({}) only: an {} guest "
                                     "needs --accel tcg (or auto)",
                                     arch_name(kHostArch), arch_name(options.arch)));
    options.image = optional_value(vm, "image");
    options.command = optional_value(vm, "command");
    options.workdir = optional_value(vm, "workdir");

    if (options.tcg_thread != "multi" && options.tcg_thread != "single")
        throw UsageError(fmt::format("--tcg-thread must be multi or single, not '{}'", options.tcg_thread));
    if (options.memory_mib == 0)
        throw UsageError("--memory must be at least 1 (MiB)");
    if (options.cpus == 0)
        throw UsageError("--cpus must be at least 1");
    if (options.command && !options.image)
        throw UsageError("--command needs --image: which image should run it?");
    if (options.workdir && !(options.image && options.command))
        throw UsageError("--workdir needs --image and --command: it is where the command runs");
    return options;
}

std::string help_text()
{
    VmOptions options;
    std::string accel, arch;
    std::ostringstream out;
    out << "Usage: b2c-vm [OPTIONS]\n"
           "Boots QEMU with a kernel and the b2c initramfs; the serial console is on\n"
           "stdout and stdin. Exits with the guest's status.\n\n"
           "  b2c-vm --image IMAGE --command CMD --workdir DIR\n"
           "  b2c-vm --append 'b2c.run=\"-ti docker.io/library/alpine\"'\n\n"
        << describe(options, accel, arch) << "\n"
        << kExitCodeTable;
    return out.str();
}

namespace {

void resolve_modules(VmOptions& options, const std::optional<std::string>& release)
{
    if (options.modules == "none")
        return;
    if (options.modules != "auto") {
        if (!fs::is_regular_file(options.modules))
            throw UsageError(fmt::format("modules archive '{}' is not a file: check --modules (PATH, auto or none)",
                                         options.modules));
        options.modules_archive = options.modules;
        return;
    }
    if (!is_core_initramfs(options.initramfs))
        return;  // an all-in-one initramfs holds its modules
    if (release)
        options.modules_archive = modules_next_to(options.initramfs, *release);
    if (!options.modules_archive)
        options.notice = fmt::format(
            "no modules-{}.cpio.zst next to {}: booting the core initramfs alone, so the kernel needs its drivers "
            "built in (--modules PATH adds an archive, --modules none says this is intended)",
            release.value_or("RELEASE"), options.initramfs);
}

}  // namespace

void resolve_defaults(VmOptions& options, const std::string& self_dir, const std::string& boot_dir)
{
    auto arch = arch_name(options.arch);
    if (options.initramfs.empty()) {
        // Next to b2c-vm when installed; the build dir's root when run from
        // build/tools/; else the current directory.
        const fs::path dirs[] = {fs::path(self_dir), fs::path(self_dir).parent_path(), fs::current_path()};
        auto names = initramfs_names(options.arch);
        for (const auto& dir : dirs)
            for (const auto& name : names)
                if (options.initramfs.empty() && fs::is_regular_file(dir / name))
                    options.initramfs = (dir / name).string();
        if (options.initramfs.empty())
            throw UsageError(fmt::format("no {} nor {} next to b2c-vm, in {} nor in the current directory: build it "
                                         "or pass --initramfs PATH",
                                         names[0], names[1], fs::path(self_dir).parent_path().string()));
    }
    if (!fs::is_regular_file(options.initramfs))
        throw UsageError(fmt::format("initramfs '{}' is not a file: check --initramfs", options.initramfs));

    if (options.kernel.empty()) {
        // The build puts Debian's kernel of a cross-built architecture next
        // to its initramfs; this machine's own are in /boot.
        options.kernel = newest_kernel(fs::path(options.initramfs).parent_path().string(), options.arch);
        if (options.kernel.empty() && options.arch == kHostArch)
            options.kernel = newest_kernel(boot_dir, options.arch);
        if (options.kernel.empty()) {
            auto where = options.arch == kHostArch ? fmt::format(" nor in {}", boot_dir) : std::string();
            auto hint = options.arch == Arch::arm64 ? " (a build with -Darm64=true puts Debian's there)" : "";
            throw UsageError(fmt::format("no {} kernel (vmlinuz-*) next to {}{}{}: pass the kernel with --kernel PATH",
                                         arch, options.initramfs, where, hint));
        }
    }
    if (!fs::is_regular_file(options.kernel))
        throw UsageError(fmt::format("kernel '{}' is not a file: check --kernel", options.kernel));
    auto image = read_kernel_image(options.kernel);
    if (image && image->arch != options.arch)
        throw UsageError(fmt::format("kernel '{}' is an {} kernel, but the guest is {}: pass --arch {}, or the "
                                     "kernel of the guest's architecture",
                                     options.kernel, arch_name(image->arch), arch, arch_name(image->arch)));
    resolve_modules(options, image ? image->release : std::nullopt);

    for (const auto* initrds : {&options.initrds_before, &options.initrds_after})
        for (const auto& initrd : *initrds)
            if (!fs::is_regular_file(initrd))
                throw UsageError(fmt::format("initrd archive '{}' is not a file: check --initrd-{}", initrd,
                                             initrds == &options.initrds_before ? "before" : "after"));

    for (const auto& disk : options.disks)
        if (!fs::exists(disk))
            throw UsageError(fmt::format("disk image '{}' does not exist: check --disk", disk));

    if (options.workdir) {
        if (!fs::is_directory(*options.workdir))
            throw UsageError(fmt::format("work dir '{}' is not a folder: check --workdir", *options.workdir));
        options.workdir = fs::absolute(*options.workdir).lexically_normal().string();
        if (options.workdir->size() > 1 && options.workdir->ends_with('/'))
            options.workdir->pop_back();
    }
}

}  // namespace b2c::vm
