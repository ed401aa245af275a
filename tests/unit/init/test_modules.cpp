// Which kernel modules the initramfs holds and in which folders (ours, a
// merged-/usr archive's): the core archive alone has none, the modules
// archive of another kernel is a mistake worth a warning.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/unit/temp_dir.h"

#include "init/modules.h"

using b2c::init::missing_modules;
using b2c::testing::TempDir;

TEST_CASE("modules: the running kernel's index is there, nothing to say")
{
    TempDir root;
    root.write("proc/modules", "");
    root.write("lib/modules/6.1.0-57-amd64/modules.dep.bin", "x");
    CHECK_FALSE(missing_modules("6.1.0-57-amd64", root.path.string()));
}

TEST_CASE("modules: a core initramfs alone says how to add the modules, without alarm")
{
    TempDir root;
    root.write("proc/modules", "");
    auto missing = missing_modules("6.6.0-hid", root.path.string());
    REQUIRE(missing);
    CHECK_FALSE(missing->other_kernels);
    CHECK_THAT(missing->message, Catch::Contains("no kernel modules for Linux 6.6.0-hid"));
    CHECK_THAT(missing->message, Catch::Contains("modules-6.6.0-hid.cpio.zst"));
}

TEST_CASE("modules: the modules of another kernel are named, with the running one")
{
    TempDir root;
    root.write("proc/modules", "");
    root.write("lib/modules/6.1.0-57-amd64/modules.dep.bin", "x");
    // A folder without its index does not count as the running kernel's.
    root.write("lib/modules/6.6.0-hid/modules.order", "");
    auto missing = missing_modules("6.6.0-hid", root.path.string());
    REQUIRE(missing);
    CHECK(missing->other_kernels);
    CHECK_THAT(missing->message, Catch::Contains("modules of Linux 6.1.0-57-amd64 but this is Linux 6.6.0-hid"));
}

TEST_CASE("modules: a kernel without module support needs no archive, whatever the initramfs holds")
{
    // No /proc/modules: CONFIG_MODULES is off, every driver is built in.
    TempDir root;
    root.write("lib/modules/6.1.0-57-amd64/modules.dep.bin", "x");
    for (const char* release : {"6.1.0-57-amd64", "6.1.192-b2c-builtin"}) {
        auto missing = missing_modules(release, root.path.string());
        REQUIRE(missing);
        CHECK_FALSE(missing->other_kernels);
        CHECK_THAT(missing->message, Catch::Contains("built without module support"));
        CHECK_THAT(missing->message, !Catch::Contains("add modules-"));
    }
}

TEST_CASE("modules: the CPU's modalias loads no module, a device's does")
{
    using b2c::init::is_device_modalias;
    CHECK_FALSE(is_device_modalias("cpu:type:x86,ven0000fam0006mod003F:feature:,0000,0001,0099"));
    CHECK(is_device_modalias("pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00"));
    CHECK(is_device_modalias("virtio:d00000001v00001AF4"));
    CHECK(is_device_modalias("acpi:QEMU0002:"));
}

TEST_CASE("modules: the folders of the running kernel are ours, then a merged-/usr archive's")
{
    using b2c::init::module_dirs;
    namespace fs = std::filesystem;
    TempDir root;
    auto ours = (root.path / "lib/modules/6.1.0-57-amd64").string();
    auto usr = (root.path / "usr/lib/modules/6.1.0-57-amd64").string();
    CHECK(module_dirs("6.1.0-57-amd64", root.path.string()).empty());

    // A farm's archive alone (ci-tron's Raspberry Pi jobs): usr/lib/modules.
    root.write("usr/lib/modules/6.1.0-57-amd64/modules.dep", "kernel/lib/test_firmware.ko:\n");
    CHECK(module_dirs("6.1.0-57-amd64", root.path.string()) == std::vector<std::string>{usr});
    // With ours: ours first. Another kernel's folder is not the running one's.
    root.write("lib/modules/6.1.0-57-amd64/modules.dep.bin", "x");
    root.write("usr/lib/modules/6.6.0-hid/modules.dep.bin", "x");
    CHECK(module_dirs("6.1.0-57-amd64", root.path.string()) == std::vector<std::string>{ours, usr});
    // A folder without an index is none.
    root.write("usr/lib/modules/6.6.1/modules.order", "");
    CHECK(module_dirs("6.6.1", root.path.string()).empty());

    // One folder reached through a link (an archive's lib -> usr/lib) counts once.
    TempDir merged;
    merged.write("usr/lib/modules/6.1.0-57-amd64/modules.dep.bin", "x");
    fs::create_symlink("usr/lib", merged.path / "lib");
    CHECK(module_dirs("6.1.0-57-amd64", merged.path.string()) ==
          std::vector<std::string>{(merged.path / "lib/modules/6.1.0-57-amd64").string()});
}

TEST_CASE("modules: a merged-/usr archive's modules of the running kernel are not missing")
{
    TempDir root;
    root.write("proc/modules", "");
    root.write("usr/lib/modules/6.1.0-57-amd64/modules.dep.bin", "x");
    CHECK_FALSE(missing_modules("6.1.0-57-amd64", root.path.string()));
    // Another kernel's there: named like ours would be.
    auto missing = missing_modules("6.6.0-hid", root.path.string());
    REQUIRE(missing);
    CHECK(missing->other_kernels);
    CHECK_THAT(missing->message, Catch::Contains("modules of Linux 6.1.0-57-amd64 but this is Linux 6.6.0-hid"));
}

TEST_CASE("modules: a loader needs a modules folder")
{
    CHECK_THROWS_WITH(b2c::init::ModuleLoader(std::vector<std::string>{}), Catch::Contains("no modules folder"));
}
