// The initrd b2c-vm gives QEMU: the core initramfs and the modules archive of
// the kernel's release (read from the kernel file: test_kernel_image.cpp),
// between a farm's own archives (--initrd-before, --initrd-after).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/unit/temp_dir.h"
#include "tests/unit/tools/b2c-vm/kernel_files.h"

#include "tools/b2c-vm/initrd.h"
#include "tools/b2c-vm/options.h"

using b2c::testing::bzimage;
using b2c::testing::read_file;
using b2c::testing::TempDir;
using namespace b2c::vm;

namespace {

VmOptions resolved(const TempDir& dir, const std::string& initramfs, const std::string& modules = "auto",
                   const std::vector<std::string>& before = {}, const std::vector<std::string>& after = {})
{
    VmOptions o;
    o.arch = Arch::amd64;
    o.kernel = (dir.path / "vmlinuz").string();
    o.initramfs = (dir.path / initramfs).string();
    o.modules = modules;
    o.initrds_before = before;
    o.initrds_after = after;
    resolve_defaults(o, dir.path.string());
    return o;
}

}  // namespace

TEST_CASE("initrd: --modules auto adds the kernel's archive to a core initramfs only")
{
    TempDir dir;
    dir.write("vmlinuz", bzimage("6.1.0-57-amd64 #1"));
    dir.write("initramfs-core.linux_amd64.cpio.zst", "core");
    dir.write("initramfs-core.linux_amd64.cpio.xz", "core");
    dir.write("initramfs.linux_amd64.cpio.zst", "all");
    dir.write("modules-6.1.0-57-amd64.cpio.zst", "mods-zst");
    dir.write("modules-6.1.0-57-amd64.cpio.xz", "mods-xz");
    dir.write("modules-6.6.0.cpio.zst", "other");

    auto core = resolved(dir, "initramfs-core.linux_amd64.cpio.zst");
    CHECK(core.modules_archive == (dir.path / "modules-6.1.0-57-amd64.cpio.zst").string());
    CHECK(core.notice.empty());
    // The initramfs' own compression first.
    CHECK(resolved(dir, "initramfs-core.linux_amd64.cpio.xz").modules_archive ==
          (dir.path / "modules-6.1.0-57-amd64.cpio.xz").string());
    // The all-in-one file holds its modules.
    auto all = resolved(dir, "initramfs.linux_amd64.cpio.zst");
    CHECK_FALSE(all.modules_archive);
    CHECK(all.notice.empty());
    // Said explicitly.
    CHECK_FALSE(resolved(dir, "initramfs-core.linux_amd64.cpio.zst", "none").modules_archive);
    CHECK(resolved(dir, "initramfs.linux_amd64.cpio.zst", (dir.path / "modules-6.6.0.cpio.zst").string())
              .modules_archive == (dir.path / "modules-6.6.0.cpio.zst").string());
    CHECK_THROWS_AS(resolved(dir, "initramfs.linux_amd64.cpio.zst", "modules-nope.cpio.zst"), UsageError);
}

TEST_CASE("initrd: a core initramfs without its kernel's modules boots alone, saying so")
{
    TempDir dir;
    dir.write("vmlinuz", bzimage("6.6.0-hid #1"));
    dir.write("initramfs-core.linux_amd64.cpio.zst", "core");
    dir.write("modules-6.1.0-57-amd64.cpio.zst", "mods");
    auto o = resolved(dir, "initramfs-core.linux_amd64.cpio.zst");
    CHECK_FALSE(o.modules_archive);
    CHECK_THAT(o.notice, Catch::Contains("no modules-6.6.0-hid.cpio.zst next to"));
    CHECK_THAT(o.notice, Catch::Contains("--modules none"));
    CHECK(resolved(dir, "initramfs-core.linux_amd64.cpio.zst", "none").notice.empty());
}

TEST_CASE("initrd: the default initramfs is the core one when it is there")
{
    TempDir dir;
    dir.write("vmlinuz", bzimage("6.1.0-57-amd64 #1"));
    dir.write("initramfs.linux_amd64.cpio.zst", "all");
    VmOptions o;
    o.arch = Arch::amd64;
    o.kernel = (dir.path / "vmlinuz").string();
    resolve_defaults(o, dir.path.string());
    CHECK(o.initramfs == (dir.path / "initramfs.linux_amd64.cpio.zst").string());

    dir.write("initramfs-core.linux_amd64.cpio.zst", "core");
    dir.write("modules-6.1.0-57-amd64.cpio.zst", "mods");
    VmOptions split;
    split.arch = Arch::amd64;
    split.kernel = o.kernel;
    resolve_defaults(split, dir.path.string());
    CHECK(split.initramfs == (dir.path / "initramfs-core.linux_amd64.cpio.zst").string());
    CHECK(split.modules_archive == (dir.path / "modules-6.1.0-57-amd64.cpio.zst").string());
}

TEST_CASE("initrd: the archives are concatenated into a file that goes away")
{
    TempDir dir;
    dir.write("core", std::string(100000, 'c'));
    dir.write("mods", "modules");
    std::string path;
    {
        ConcatenatedInitrd initrd({(dir.path / "core").string(), (dir.path / "mods").string()});
        path = initrd.path();
        CHECK(read_file(path) == std::string(100000, 'c') + "modules");
    }
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK_THROWS_WITH(ConcatenatedInitrd({(dir.path / "core").string(), (dir.path / "nope").string()}),
                      Catch::Contains("cannot read"));
}

TEST_CASE("initrd: each archive starts at a multiple of 4 bytes, zeros between, as iPXE lays them out")
{
    // A zstd frame's length is any number: an uncompressed cpio after it
    // must still start where the kernel's unpacker looks for one.
    TempDir dir;
    dir.write("before.cpio", "070701b");
    dir.write("core.zst", "zst");
    dir.write("empty", "");
    dir.write("after.cpio", "070701a");
    ConcatenatedInitrd initrd({(dir.path / "before.cpio").string(), (dir.path / "core.zst").string(),
                               (dir.path / "empty").string(), (dir.path / "after.cpio").string()});
    CHECK(read_file(initrd.path()) == std::string("070701b") + '\0' + "zst" + '\0' + "070701a");
}

TEST_CASE("initrd: --initrd-before archives come first, --initrd-after ones after the modules, each in order")
{
    TempDir dir;
    dir.write("vmlinuz", bzimage("6.1.0-57-amd64 #1"));
    for (const char* name : {"initramfs-core.linux_amd64.cpio.zst", "modules-6.1.0-57-amd64.cpio.zst",
                             "firmware.cpio.xz", "job.cpio", "rpi-modules.cpio"})
        dir.write(name, name);
    auto at = [&](const char* name) { return (dir.path / name).string(); };
    const char* core = "initramfs-core.linux_amd64.cpio.zst";
    CHECK(initrd_parts(resolved(dir, core, "none")) == std::vector<std::string>{at(core)});
    auto o = resolved(dir, core, "auto", {at("firmware.cpio.xz"), at("job.cpio")}, {at("rpi-modules.cpio")});
    CHECK(initrd_parts(o) == std::vector<std::string>{at("firmware.cpio.xz"), at("job.cpio"), at(core),
                                                      at("modules-6.1.0-57-amd64.cpio.zst"), at("rpi-modules.cpio")});

    CHECK_THROWS_WITH(resolved(dir, core, "auto", {}, {at("nope.cpio")}),
                      Catch::Contains("'" + at("nope.cpio") + "' is not a file: check --initrd-after"));
    CHECK_THROWS_WITH(resolved(dir, core, "auto", {dir.path.string()}), Catch::Contains("check --initrd-before"));
}

TEST_CASE("initrd: an arm64 guest boots the arm64 files, its kernel found next to them")
{
    TempDir dir;
    dir.write("initramfs-core.linux_amd64.cpio.zst", "core amd64");
    dir.write("initramfs-core.linux_arm64.cpio.zst", "core arm64");
    dir.write("modules-6.1.0-57-arm64.cpio.zst", "mods");
    dir.write("vmlinuz-6.1.0-57-arm64", b2c::testing::arm64_image("Linux version 6.1.0-57-arm64 (debian-kernel)"));
    TempDir boot;  // this machine's /boot: amd64 kernels only
    boot.write("vmlinuz-6.1.0-57-amd64", bzimage("6.1.0-57-amd64 #1"));

    VmOptions o;
    o.arch = Arch::arm64;
    resolve_defaults(o, dir.path.string(), boot.path.string());
    CHECK(o.initramfs == (dir.path / "initramfs-core.linux_arm64.cpio.zst").string());
    CHECK(o.kernel == (dir.path / "vmlinuz-6.1.0-57-arm64").string());
    CHECK(o.modules_archive == (dir.path / "modules-6.1.0-57-arm64.cpio.zst").string());
}

TEST_CASE("initrd: a guest of this machine's architecture takes /boot's kernel when none is next to its initramfs")
{
    bool arm64 = kHostArch == Arch::arm64;
    auto kernel = arm64 ? b2c::testing::arm64_image("Linux version 6.1.0-57-arm64 (x)") : bzimage("6.1.0-57-amd64 #1");
    TempDir dir, boot;
    dir.write(fmt::format("initramfs-core.linux_{}.cpio.zst", arch_name(kHostArch)), "core");
    boot.write(fmt::format("vmlinuz-6.1.0-57-{}", arch_name(kHostArch)), kernel);
    VmOptions o;
    resolve_defaults(o, dir.path.string(), boot.path.string());
    CHECK(o.kernel == (boot.path / fmt::format("vmlinuz-6.1.0-57-{}", arch_name(kHostArch))).string());
}

TEST_CASE("initrd: a kernel of the other architecture, or none, is a usage error that says what to do")
{
    TempDir dir;
    dir.write("initramfs-core.linux_arm64.cpio.zst", "core arm64");
    TempDir boot;
    boot.write("vmlinuz-6.1.0-57-amd64", bzimage("6.1.0-57-amd64 #1"));
    VmOptions none;
    none.arch = Arch::arm64;
    CHECK_THROWS_WITH(resolve_defaults(none, dir.path.string(), boot.path.string()),
                      Catch::Contains("no arm64 kernel (vmlinuz-*) next to") && Catch::Contains("-Darm64=true") &&
                          Catch::Contains("--kernel PATH"));

    VmOptions wrong;
    wrong.arch = Arch::arm64;
    wrong.kernel = (boot.path / "vmlinuz-6.1.0-57-amd64").string();
    CHECK_THROWS_WITH(resolve_defaults(wrong, dir.path.string(), boot.path.string()),
                      Catch::Contains("is an amd64 kernel, but the guest is arm64: pass --arch amd64"));
}
