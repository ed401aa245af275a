// Firmware an archive of a merged-/usr system puts in /usr/lib/firmware,
// linked into /lib/firmware where the kernel's loader looks.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "tests/unit/temp_dir.h"

#include "init/firmware.h"

using b2c::init::link_usr_firmware;
using b2c::testing::read_file;
using b2c::testing::TempDir;
namespace fs = std::filesystem;

TEST_CASE("firmware: /lib/firmware missing becomes a link to /usr/lib/firmware")
{
    TempDir root;
    root.write("lib/modules/x", "");
    root.write("usr/lib/firmware/rtl_nic/rtl8125b-2.fw", "usr-fw");
    auto done = link_usr_firmware(root.path.string());
    CHECK(done.links == 1);
    CHECK(done.errors.empty());
    CHECK(fs::is_symlink(root.path / "lib/firmware"));
    CHECK(read_file(root.path / "lib/firmware/rtl_nic/rtl8125b-2.fw") == "usr-fw");
}

TEST_CASE("firmware: both folders merge in /lib/firmware, its own files kept")
{
    TempDir root;
    // b2c's firmware archive (lib/firmware) given before ours...
    root.write("lib/firmware/brcm/brcmfmac43455-sdio.bin", "lib-brcm");
    root.write("lib/firmware/b2c-test/both.bin", "lib-both");
    // ... and one of a merged-/usr system after it.
    root.write("usr/lib/firmware/brcm/brcmfmac43455-sdio.txt", "usr-brcm-txt");
    root.write("usr/lib/firmware/b2c-test/both.bin", "usr-both");
    root.write("usr/lib/firmware/amdgpu/navi10_sos.bin", "usr-amdgpu");
    root.write("usr/lib/firmware/6.1.0-57-amd64/override.bin", "usr-release");

    auto done = link_usr_firmware(root.path.string());
    CHECK(done.errors.empty());
    CHECK(done.links == 3);  // brcm/...txt, amdgpu/, 6.1.0-57-amd64/
    CHECK(done.kept == 1);
    CHECK(read_file(root.path / "lib/firmware/brcm/brcmfmac43455-sdio.bin") == "lib-brcm");
    CHECK(read_file(root.path / "lib/firmware/brcm/brcmfmac43455-sdio.txt") == "usr-brcm-txt");
    CHECK(read_file(root.path / "lib/firmware/b2c-test/both.bin") == "lib-both");
    CHECK(read_file(root.path / "lib/firmware/amdgpu/navi10_sos.bin") == "usr-amdgpu");
    CHECK(read_file(root.path / "lib/firmware/6.1.0-57-amd64/override.bin") == "usr-release");
    CHECK_FALSE(fs::is_symlink(root.path / "lib/firmware/brcm"));
    // Nothing of /usr/lib/firmware moved.
    CHECK(read_file(root.path / "usr/lib/firmware/b2c-test/both.bin") == "usr-both");

    // Again (a second boot phase, a modprobe): nothing new to link.
    auto again = link_usr_firmware(root.path.string());
    CHECK(again.links == 0);
    CHECK(again.errors.empty());
}

TEST_CASE("firmware: nothing to do without /usr/lib/firmware, or when it is /lib/firmware")
{
    TempDir plain;
    plain.write("lib/firmware/a.bin", "a");
    auto none = link_usr_firmware(plain.path.string());
    CHECK(none.links == 0);
    CHECK(none.kept == 0);
    CHECK(none.errors.empty());

    TempDir merged;  // lib -> usr/lib: one folder
    merged.write("usr/lib/firmware/a.bin", "a");
    fs::create_symlink("usr/lib", merged.path / "lib");
    auto same = link_usr_firmware(merged.path.string());
    CHECK(same.links == 0);
    CHECK(same.kept == 0);
}

TEST_CASE("firmware: a file where /usr/lib/firmware has a folder is kept, the folder's files not linked")
{
    TempDir root;
    root.write("lib/firmware/intel", "a file");
    root.write("usr/lib/firmware/intel/ibt-20-1-3.sfi", "usr");
    auto done = link_usr_firmware(root.path.string());
    CHECK(done.links == 0);
    CHECK(done.kept == 1);
    CHECK(read_file(root.path / "lib/firmware/intel") == "a file");
}
