#include "tools/b2c-vm/qemu_args.h"

#include <cctype>

#include <fmt/format.h>

#include "common/text.h"

namespace b2c::vm {
namespace {

// The kernel keeps a double-quoted value whole but has no escape for a
// double quote inside it; control characters would not survive either.
void check_carriable(const std::string& what, const std::string& value)
{
    if (value.find('"') != std::string::npos)
        throw UsageError(fmt::format("{} contains a double quote (\"), which the kernel command line cannot carry "
                                     "inside b2c.run: use single quotes instead",
                                     what));
    for (unsigned char c : value)
        if (c < 0x20 && c != '\t')
            throw UsageError(fmt::format("{} contains a control character (newline?), which the kernel command line "
                                         "cannot carry: write it on one line",
                                         what));
}

// QEMU's option parser takes ',' as a separator; ",," is a literal comma.
std::string qemu_escape(const std::string& value)
{
    std::string escaped;
    for (char c : value) {
        escaped += c;
        if (c == ',')
            escaped += ',';
    }
    return escaped;
}

}  // namespace

ImageRef rewrite_loopback_image(const std::string& image)
{
    for (const char* host : {"localhost:", "127.0.0.1:"}) {
        std::string prefix = host;
        if (image.starts_with(prefix) && image.size() > prefix.size() &&
            std::isdigit(static_cast<unsigned char>(image[prefix.size()])))
            return {"10.0.2.2:" + image.substr(prefix.size()), true};
    }
    return {image, false};
}

std::vector<std::string> trio_b2c_options(const VmOptions& options, bool stdin_is_tty)
{
    if (!options.image)
        return {};
    std::vector<std::string> run_words{"-i"};
    if (stdin_is_tty)
        run_words.push_back("-t");
    std::vector<std::string> b2c;
    if (options.workdir) {
        const auto& dir = *options.workdir;
        check_carriable("--workdir", dir);
        if (dir.find(':') != std::string::npos)
            throw UsageError(
                fmt::format("--workdir '{}' contains ':', which podman's -v cannot take: use another folder", dir));
        b2c.push_back(fmt::format("b2c.filesystem={0},type=9p,src={0}", kWorkdirTag));
        b2c.push_back(fmt::format("b2c.volume={0},filesystem={0}", kWorkdirTag));
        run_words.insert(run_words.end(), {"-v", fmt::format("{}:{}", kWorkdirTag, dir), "-w", dir});
    }
    auto image = rewrite_loopback_image(*options.image);
    check_carriable("--image", image.ref);
    if (image.insecure_registry)
        run_words.push_back("--tls-verify=false");
    run_words.push_back(image.ref);
    if (options.command) {
        check_carriable("--command", *options.command);
        run_words.insert(run_words.end(), {"sh", "-c", *options.command});
    }
    std::vector<std::string> quoted;
    for (const auto& word : run_words)
        quoted.push_back(shell_quote(word));
    b2c.push_back(fmt::format("b2c.run=\"{}\"", join(quoted, " ")));
    return b2c;
}

std::string kernel_cmdline(const VmOptions& options, bool stdin_is_tty)
{
    std::vector<std::string> words{fmt::format("console={}", machine_of(options.arch).console), "loglevel=4",
                                   "panic=-1"};
    words.insert(words.end(), options.kernel_args.begin(), options.kernel_args.end());
    words.insert(words.end(), options.appends.begin(), options.appends.end());
    auto trio = trio_b2c_options(options, stdin_is_tty);
    words.insert(words.end(), trio.begin(), trio.end());
    auto cmdline = join(words, " ");
    if (cmdline.size() >= kMaxKernelCmdline)
        throw UsageError(fmt::format("the kernel command line would be {} bytes, but the kernel takes at most {}: "
                                     "shorten the command (put it in a script in --workdir) or the --append options",
                                     cmdline.size(), kMaxKernelCmdline - 1));
    return cmdline;
}

std::vector<std::string> qemu_argv(const VmOptions& options, Accel accel, const std::string& cmdline)
{
    bool kvm = accel == Accel::kvm;
    const auto& machine = machine_of(options.arch);
    std::vector<std::string> argv{
        machine.qemu_binary,
        "-machine",
        kvm ? machine.machine_kvm : machine.machine_tcg,
        "-accel",
        kvm ? "kvm" : "tcg,thread=" + options.tcg_thread,
        "-cpu",
        kvm ? "host" : machine.cpu_tcg,
        "-m",
        std::to_string(options.memory_mib),
        "-smp",
        std::to_string(options.cpus),
        "-nographic",
        "-no-reboot",
        "-serial",
        "mon:stdio",
        "-kernel",
        options.kernel,
        "-initrd",
        options.initramfs,
        "-append",
        cmdline,
        "-nic",
        options.user_net.empty() ? std::string("user,model=virtio-net-pci")
                                 : fmt::format("user,model=virtio-net-pci,{}", options.user_net),
    };
    for (const auto& disk : options.disks)
        argv.insert(argv.end(), {"-drive", fmt::format("file={},format=raw,if=virtio", qemu_escape(disk))});
    if (options.workdir)
        argv.insert(argv.end(), {"-virtfs", fmt::format("local,path={},mount_tag={},security_model=none",
                                                        qemu_escape(*options.workdir), kWorkdirTag)});
    argv.insert(argv.end(), options.qemu_args.begin(), options.qemu_args.end());
    return argv;
}

}  // namespace b2c::vm
