// The initrd b2c-vm gives QEMU: the core initramfs and the modules archive of
// the kernel's release, found by reading the kernel's setup header.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/unit/temp_dir.h"

#include "tools/b2c-vm/initrd.h"
#include "tools/b2c-vm/options.h"

using b2c::testing::TempDir;
using namespace b2c::vm;

namespace {

// The first bytes of an x86 bzImage as far as the release string: the setup
// header's "HdrS" at 0x202 and, at 0x20e, the version string's offset - 0x200.
std::string bzimage(const std::string& version_text)
{
    std::string image(0x400, '\0');
    image.replace(0x202, 4, "HdrS");
    std::size_t at = 0x300;
    image[0x20e] = static_cast<char>((at - 0x200) & 0xff);
    image[0x20f] = static_cast<char>((at - 0x200) >> 8);
    image.replace(at, version_text.size(), version_text);
    return image;
}

std::string read_all(const std::filesystem::path& path)
{
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

VmOptions resolved(const TempDir& dir, const std::string& initramfs, const std::string& modules = "auto")
{
    VmOptions o;
    o.kernel = (dir.path / "vmlinuz").string();
    o.initramfs = (dir.path / initramfs).string();
    o.modules = modules;
    resolve_defaults(o, dir.path.string());
    return o;
}

}  // namespace

TEST_CASE("initrd: the kernel's release is read from its setup header")
{
    TempDir dir;
    dir.write("vmlinuz", bzimage("6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP"));
    CHECK(bzimage_release((dir.path / "vmlinuz").string()) == "6.1.0-57-amd64");
    dir.write("not-a-kernel", std::string(0x400, 'x'));
    CHECK_FALSE(bzimage_release((dir.path / "not-a-kernel").string()));
    dir.write("short", "HdrS");
    CHECK_FALSE(bzimage_release((dir.path / "short").string()));
    // A release that would name another folder is no release.
    dir.write("evil", bzimage("../../etc #1"));
    CHECK_FALSE(bzimage_release((dir.path / "evil").string()));
    CHECK_FALSE(bzimage_release((dir.path / "missing").string()));
}

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
    o.kernel = (dir.path / "vmlinuz").string();
    resolve_defaults(o, dir.path.string());
    CHECK(o.initramfs == (dir.path / "initramfs.linux_amd64.cpio.zst").string());

    dir.write("initramfs-core.linux_amd64.cpio.zst", "core");
    dir.write("modules-6.1.0-57-amd64.cpio.zst", "mods");
    VmOptions split;
    split.kernel = o.kernel;
    resolve_defaults(split, dir.path.string());
    CHECK(split.initramfs == (dir.path / "initramfs-core.linux_amd64.cpio.zst").string());
    CHECK(split.modules_archive == (dir.path / "modules-6.1.0-57-amd64.cpio.zst").string());
}

TEST_CASE("initrd: the two archives are concatenated into a file that goes away")
{
    TempDir dir;
    dir.write("core", std::string(100000, 'c'));
    dir.write("mods", "modules");
    std::string path;
    {
        ConcatenatedInitrd initrd((dir.path / "core").string(), (dir.path / "mods").string());
        path = initrd.path();
        CHECK(read_all(path) == std::string(100000, 'c') + "modules");
    }
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK_THROWS_WITH(ConcatenatedInitrd((dir.path / "core").string(), (dir.path / "nope").string()),
                      Catch::Contains("cannot read"));
}
