// Exit codes of b2c-vm. 0-199 (and any other code the guest reports) come
// from the guest: the command's exit code with --image/--command, else the
// pipeline status. The codes below are b2c-vm's own failures; a guest status
// equal to one of them cannot be told apart, which is why they sit high.
#pragma once

namespace b2c::vm {

inline constexpr int kExitUsage = 200;       // bad option, missing file, command line too long
inline constexpr int kExitQemuFailed = 201;  // QEMU not found, failed to start, or exited with an error
inline constexpr int kExitTimeout = 202;     // --timeout expired: QEMU was killed
inline constexpr int kExitNoStatus = 203;    // the guest stopped without printing its status (crash, panic)
inline constexpr int kExitNoPipeline = 204;  // the guest ended its session before its pipeline (its errors say why)
// Killed by SIGINT/SIGTERM: 128 + the signal number (130, 143), as a shell does.

inline constexpr const char* kExitCodeTable =
    "Exit codes:\n"
    "  N     the guest's status: the command's exit code with --image/--command,\n"
    "        else the b2c pipeline status (the last 'Execution is over, pipeline status: N' line)\n"
    "  200   bad usage (unknown option, missing kernel/initramfs, command line too long)\n"
    "  201   QEMU not found, failed to start, or exited with an error\n"
    "  202   --timeout expired (QEMU was killed)\n"
    "  203   the guest stopped without printing a status (crash, kernel panic)\n"
    "  204   the guest ended its session without running its pipeline (bad command line,\n"
    "        no network, extra options that cannot be read: its console says why)\n"
    "  130/143  interrupted by SIGINT/SIGTERM (QEMU was stopped)\n";

}  // namespace b2c::vm
