#include <catch2/catch.hpp>

#include "storage/mounts.h"

using b2c::cmdline::FilesystemConfig;
using b2c::storage::filesystem_mount_spec;
using b2c::storage::mount_options;

TEST_CASE("filesystem options are joined with commas")
{
    CHECK(mount_options({"fs", "/dev/sdb1", "ext4", {}}) == "");
    CHECK(mount_options({"fs", "1.2.3.4:/", "nfs", {"ro", "vers=4.2"}}) == "ro,vers=4.2");
}

TEST_CASE("9p gets virtio transport and 9p2000.L unless given")
{
    CHECK(mount_options({"www", "www", "9p", {}}) == "trans=virtio,version=9p2000.L");
    CHECK(mount_options({"www", "www", "9p", {"ro", "version=9p2000.u"}}) == "ro,version=9p2000.u,trans=virtio");
    CHECK(mount_options({"www", "www", "9p", {"trans=tcp", "version=9p2000.L"}}) == "trans=tcp,version=9p2000.L");
}

TEST_CASE("filesystem_mount_spec")
{
    auto spec = filesystem_mount_spec({"fs", "/dev/sdb1", "", {"noatime"}}, "/var/lib/x/_data");
    CHECK(spec.source == "/dev/sdb1");
    CHECK(spec.target == "/var/lib/x/_data");
    CHECK(spec.fstype.empty());
    CHECK(spec.options == "noatime");
}

TEST_CASE("a default Mount holds nothing and unmounts nothing")
{
    b2c::storage::Mount mount;
    CHECK_FALSE(mount.mounted());
    mount.unmount();
    b2c::storage::Mount moved(std::move(mount));
    CHECK_FALSE(moved.mounted());
}
