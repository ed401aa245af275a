#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>

#include "common/unique_fd.h"
#include "storage/s3/mc_attrs.h"

using namespace b2c::s3;

TEST_CASE("attributes are written the way mc writes them")
{
    FileAttributes a;
    a.atime = FileTime{1700000000, 123};
    a.mtime = FileTime{1600000000, 0};
    a.uid = 1000;
    a.gid = 100;
    a.mode = 0100750;
    a.uname = "user";
    a.gname = "users";
    CHECK(format_mc_attrs(a) ==
          "atime:1700000000#123/gid:100/gname:users/mode:33256/mtime:1600000000#0/uid:1000/uname:user");
    CHECK(parse_mc_attrs(format_mc_attrs(a)) == a);
    a.uname.clear();
    a.gname.clear();
    CHECK(format_mc_attrs(a) == "atime:1700000000#123/gid:100/mode:33256/mtime:1600000000#0/uid:1000");
}

TEST_CASE("mc's attributes are read, malformed and unknown fields ignored")
{
    auto a =
        parse_mc_attrs("atime:1660571437#5/ctime:1660571437#0/gid:0/gname:root/mode:33188/mtime:1660571437#999999999/"
                       "uid:0/uname:root/md5:abc");
    CHECK(a.atime == FileTime{1660571437, 5});
    CHECK(a.mtime == FileTime{1660571437, 999999999});
    CHECK(a.mode == 33188u);
    CHECK(a.uid == 0u);
    CHECK(a.gname == "root");
    auto seconds_only = parse_mc_attrs("mtime:1600000000");
    CHECK(seconds_only.mtime == FileTime{1600000000, 0});
    auto bad = parse_mc_attrs("mode:rw-r--r--/mtime:soon/uid:-1/atime:1#2000000000");
    CHECK_FALSE(bad.mode);
    CHECK_FALSE(bad.mtime);
    CHECK_FALSE(bad.uid);
    CHECK_FALSE(bad.atime);
    CHECK(parse_mc_attrs("") == FileAttributes{});
}

TEST_CASE("attributes read from a file are applied to another")
{
    auto dir = std::filesystem::temp_directory_path();
    auto from = dir / "b2c-unit-s3-attrs-from", to = dir / "b2c-unit-s3-attrs-to";
    std::ofstream(from) << "x";
    std::ofstream(to) << "y";
    ::chmod(from.c_str(), 0751);
    struct timespec times[2] = {{1500000000, 42}, {1400000000, 7}};
    ::utimensat(AT_FDCWD, from.c_str(), times, 0);
    struct stat st {};
    REQUIRE(::stat(from.c_str(), &st) == 0);
    {
        b2c::UniqueFd fd(::open(to.c_str(), O_RDONLY | O_CLOEXEC));
        apply_attributes(fd.get(), to.string(), parse_mc_attrs(format_mc_attrs(attributes_of(st))));
    }
    struct stat copied {};
    REQUIRE(::stat(to.c_str(), &copied) == 0);
    CHECK((copied.st_mode & 07777) == 0751);
    CHECK(copied.st_mtim.tv_sec == 1400000000);
    CHECK(copied.st_mtim.tv_nsec == 7);
    CHECK(copied.st_atim.tv_sec == 1500000000);
    std::filesystem::remove(from);
    std::filesystem::remove(to);
    CHECK_THROWS_WITH(apply_attributes(-1, to.string(), parse_mc_attrs("mode:33188")),
                      Catch::Contains("b2c-unit-s3-attrs-to"));
}

TEST_CASE("an object's metadata never makes a file setuid, setgid or sticky")
{
    auto path = std::filesystem::temp_directory_path() / "b2c-unit-s3-attrs-suid";
    std::ofstream(path) << "x";
    {
        b2c::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        apply_attributes(fd.get(), path.string(), parse_mc_attrs("mode:36333"));  // 0107755: regular, 07755
    }
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0755);
    std::filesystem::remove(path);
}
