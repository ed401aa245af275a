// What b2c-vm reads of a kernel file: its architecture and its release.
#include <catch2/catch.hpp>

#include <string>

#include "tests/unit/temp_dir.h"
#include "tests/unit/tools/b2c-vm/kernel_files.h"

#include "tools/b2c-vm/kernel_image.h"

using b2c::testing::arm64_image;
using b2c::testing::bzimage;
using b2c::testing::TempDir;
using namespace b2c::vm;

namespace {

std::optional<KernelImage> read(const TempDir& dir, const std::string& name, const std::string& bytes)
{
    dir.write(name, bytes);
    return read_kernel_image((dir.path / name).string());
}

}  // namespace

TEST_CASE("kernel image: an x86 bzImage and its release, from its setup header")
{
    TempDir dir;
    auto image = read(dir, "vmlinuz", bzimage("6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP"));
    REQUIRE(image);
    CHECK(image->arch == Arch::amd64);
    CHECK(image->release == "6.1.0-57-amd64");
    CHECK(read(dir, "bare", bzimage("6.6.0"))->release == "6.6.0");  // the string ends with its NUL
    CHECK_FALSE(read(dir, "not-a-kernel", std::string(0x400, 'x')));
    CHECK_FALSE(read(dir, "short", "HdrS"));
    // A release that would name another folder is no release.
    CHECK_FALSE(read(dir, "evil", bzimage("../../etc #1"))->release);
    CHECK_FALSE(read_kernel_image((dir.path / "missing").string()));
}

TEST_CASE("kernel image: an arm64 Image and the release of its banner")
{
    TempDir dir;
    auto image = read(dir, "Image",
                      arm64_image("Linux version 6.1.0-57-arm64 (debian-kernel@lists.debian.org) "
                                  "(aarch64-linux-gnu-gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP"));
    REQUIRE(image);
    CHECK(image->arch == Arch::arm64);
    CHECK(image->release == "6.1.0-57-arm64");
    // A format string that is no banner comes first in some kernels.
    auto both = arm64_image("Linux version %s", 0x1000);
    both.replace(0x8000, 30, "Linux version 6.6.9-hid #2 SMP");
    CHECK(read(dir, "two", both)->release == "6.6.9-hid");
    // The banner across the end of a 1 MiB block of the reader, whole in none.
    for (std::size_t at : {(1u << 20) - 20, (1u << 20) - 14, (1u << 20) - 3})
        CHECK(read(dir, "cut", arm64_image("Linux version 6.1.0-57-arm64 (x)", at, 3u << 20))->release ==
              "6.1.0-57-arm64");
    // An Image without a banner is still arm64.
    auto bare = read(dir, "bare", arm64_image(""));
    REQUIRE(bare);
    CHECK(bare->arch == Arch::arm64);
    CHECK_FALSE(bare->release);
    // Compressed (Image.gz, which QEMU unpacks itself): nothing to read.
    CHECK_FALSE(read(dir, "Image.gz", std::string("\x1f\x8b\x08\x00", 4) + std::string(0x400, 'z')));
}

TEST_CASE("kernel image: the newest vmlinuz-* of an architecture")
{
    TempDir dir;
    dir.write("vmlinuz-6.1.0-9-amd64", bzimage("6.1.0-9-amd64 #1"));
    dir.write("vmlinuz-6.1.0-10-amd64", bzimage("6.1.0-10-amd64 #1"));
    dir.write("vmlinuz-6.1.0-57-arm64", arm64_image("Linux version 6.1.0-57-arm64 (x)"));
    dir.write("vmlinuz-9.9-broken", "x");
    dir.write("config-9.9", bzimage("9.9 #1"));
    CHECK(newest_kernel(dir.path.string(), Arch::amd64) == (dir.path / "vmlinuz-6.1.0-10-amd64").string());
    CHECK(newest_kernel(dir.path.string(), Arch::arm64) == (dir.path / "vmlinuz-6.1.0-57-arm64").string());
    CHECK(newest_kernel((dir.path / "none").string(), Arch::amd64).empty());
}
