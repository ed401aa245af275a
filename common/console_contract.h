// The lines farm executors match on the console, byte for byte
// (docs/cmdline.md, "Console contract"): the init prints them, b2c-vm
// and the tests read them.
#pragma once

#include <string_view>

namespace b2c::console_contract {

// "[12.34]: Execution is over, pipeline status: N", after the posts and the
// end hooks, before the clean-up.
inline constexpr std::string_view status_line = "Execution is over, pipeline status: ";
// Before a power off (and before b2c.poweroff_delay).
inline constexpr std::string_view power_off_line = "It's now safe to turn off your computer";
// Before a reboot.
inline constexpr std::string_view reboot_line = "Rebooting the computer";

}  // namespace b2c::console_contract
