// Formatting and checking the cache's ext4 file system with e2fsprogs
// (mke2fs, e2fsck), through run_command.
#pragma once

#include <string>
#include <string_view>

namespace b2c::storage {

// mke2fs -t ext4 -F -O encrypt -L LABEL NODE: ext4 with the fscrypt feature
// (b2c.volume's fscrypt_key needs it). Throws std::runtime_error with
// mke2fs's output when it fails.
void format_ext4(const std::string& node, std::string_view label);

// What e2fsck -p's exit code means for us.
enum class FsckVerdict {
    clean,           // 0
    repaired,        // 1: errors corrected
    reboot_advised,  // 2: corrected; matters for a root file system, not for us
    failed,          // 4 and more: left uncorrected, or e2fsck itself failed
};
FsckVerdict fsck_verdict(int exit_code);
std::string_view describe(FsckVerdict verdict);

struct FsckResult {
    FsckVerdict verdict = FsckVerdict::failed;
    int exit_code = -1;
    std::string output;
};

// e2fsck -p NODE (preen: fixes what is safe to fix without a person).
FsckResult check_ext4(const std::string& node);

}  // namespace b2c::storage
