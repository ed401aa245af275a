#include "storage/ext4.h"

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

#include "common/run_command.h"

namespace b2c::storage {

namespace {

// mke2fs initialises inode tables lazily (the kernel finishes in the
// background), so even a large disk takes seconds; e2fsck of a big and
// damaged file system can take much longer.
constexpr std::chrono::seconds mkfs_timeout{600};
constexpr std::chrono::seconds fsck_timeout{1800};

}  // namespace

void format_ext4(const std::string& node, std::string_view label)
{
    // -t ext4 rather than relying on the program being called mkfs.ext4.
    Command cmd;
    cmd.argv = {"mke2fs", "-q", "-t", "ext4", "-F", "-O", "encrypt", "-L", std::string(label), node};
    cmd.timeout = mkfs_timeout;
    auto result = run_command(cmd);
    if (!result.ok())
        throw std::runtime_error(
            fmt::format("mke2fs could not format {} ({}): {}", node,
                        result.timed_out ? "timed out" : fmt::format("exit code {}", result.exit_code), result.output));
}

FsckVerdict fsck_verdict(int exit_code)
{
    if (exit_code == 0)
        return FsckVerdict::clean;
    if (exit_code == 1)
        return FsckVerdict::repaired;
    if (exit_code == 2 || exit_code == 3)  // 3 = 1|2
        return FsckVerdict::reboot_advised;
    return FsckVerdict::failed;
}

std::string_view describe(FsckVerdict verdict)
{
    switch (verdict) {
    case FsckVerdict::clean: return "clean";
    case FsckVerdict::repaired: return "errors corrected";
    case FsckVerdict::reboot_advised: return "errors corrected (e2fsck advises a reboot)";
    case FsckVerdict::failed: return "errors left uncorrected";
    }
    return "unknown";
}

FsckResult check_ext4(const std::string& node)
{
    Command cmd;
    cmd.argv = {"e2fsck", "-p", node};
    cmd.timeout = fsck_timeout;
    auto result = run_command(cmd);
    FsckResult fsck;
    fsck.exit_code = result.exit_code;
    fsck.output = result.output;
    fsck.verdict = result.timed_out ? FsckVerdict::failed : fsck_verdict(result.exit_code);
    return fsck;
}

}  // namespace b2c::storage
