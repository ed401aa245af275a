// Firmware files where the kernel's loader finds them. It reads /lib/firmware
// only (with its updates/ and RELEASE/ folders); an archive made on a
// merged-/usr system (a farm's, added to the initrd before or after ours)
// puts its files under /usr/lib/firmware. Ours ships /lib and /usr/lib as
// folders, and the kernel's unpacker cannot make one a link to the other
// once an archive made both (a later folder replaces an earlier link; a
// later link never replaces an earlier folder). So the init links, in
// /lib/firmware, what /usr/lib/firmware holds and /lib/firmware lacks.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace b2c::init {

struct FirmwareLinks {
    int links = 0;  // links made
    int kept = 0;   // files both folders have: `into`'s are kept
    std::vector<std::string> errors;
};

// Links in `into` each entry of `from` that `into` lacks, to its absolute
// path; a folder both have gets the same for its entries, in turn. A missing
// `into` becomes one link to `from`. Nothing of either folder is removed.
FirmwareLinks link_missing_entries(const std::filesystem::path& from, const std::filesystem::path& into);

// link_missing_entries(ROOT/usr/lib/firmware, ROOT/lib/firmware), when the
// first exists and is not the second (reached through a link); else nothing.
FirmwareLinks link_usr_firmware(const std::string& root = "/");

}  // namespace b2c::init
