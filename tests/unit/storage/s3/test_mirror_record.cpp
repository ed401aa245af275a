#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "storage/s3/mirror_record.h"
#include "tests/unit/temp_dir.h"

using namespace b2c::s3;

namespace {

constexpr const char* location = "http://127.0.0.1:9000 bkt/pre/";
constexpr const char* etag = "9e107d9d372bb6826bd81d3542a419d6";

FileStamp stamp_file(const std::filesystem::path& file)
{
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    return stamp_of(st);
}

TreeEntry object(std::uint64_t size, std::string tag = etag)
{
    return TreeEntry{"a/b c.txt", size, std::move(tag)};
}

}  // namespace

TEST_CASE("a mirror record reads back what it wrote, for its own location only")
{
    RecordedFiles files{{"a/b c.txt", {{12, 34, 1'700'000'000'123456789, -5}, etag}},
                        {"top", {{0, 1, 2, 3}, "0123-2"}}};
    auto text = format_mirror_record(location, files);
    CHECK(text.rfind("b2c-mirror-record 1\nlocation http://127.0.0.1:9000 bkt/pre/\n", 0) == 0);
    auto back = parse_mirror_record(text, location);
    REQUIRE(back.size() == 2);
    CHECK(back.at("a/b c.txt").stamp == files.at("a/b c.txt").stamp);
    CHECK(back.at("top").etag == "0123-2");
    CHECK(parse_mirror_record(text, "http://127.0.0.1:9000 bkt/other/").empty());
}

TEST_CASE("a damaged or foreign mirror record is ignored as a whole")
{
    RecordedFiles files{{"x", {{1, 2, 3, 4}, etag}}, {"y", {{5, 6, 7, 8}, etag}}};
    auto text = format_mirror_record(location, files);
    CHECK(parse_mirror_record(text.substr(0, text.size() - 1), location).empty());  // cut short
    CHECK(parse_mirror_record("b2c-mirror-record 2" + text.substr(19), location).empty());
    for (std::string bad : {"x 1 2 3 4\n", "E 1 2 3\n", "E 1 2 3 4\n", "E 1 2 3 4x y\n", "E -1 2 3 4 y\n",
                            "E 1 2 3 4 x\n" /* twice */, " 1 2 3 4 y\n", "E 99999999999999999999 2 3 4 y\n"})
        CHECK(parse_mirror_record(text + bad, location).empty());
    CHECK(parse_mirror_record("", location).empty());
    // Paths with a new line, and empty ETags, are never written.
    RecordedFiles odd{{"a\nb", {{1, 2, 3, 4}, etag}}, {"c", {{1, 2, 3, 4}, ""}}, {"d", {{1, 2, 3, 4}, etag}}};
    auto odd_back = parse_mirror_record(format_mirror_record(location, odd), location);
    CHECK(odd_back.size() == 1);
    CHECK(odd_back.count("d") == 1);
}

TEST_CASE("a mirror record vouches for a file only while its stamp and its object's ETag hold")
{
    b2c::testing::TempDir volume, state;
    volume.write("a/b c.txt", "hello world!");
    auto file = volume.path / "a/b c.txt";
    auto stamp = stamp_file(file);
    {
        MirrorRecord record(state.path, location);
        CHECK_FALSE(record.vouches_for("a/b c.txt", stamp, object(12)));  // nothing recorded yet
        record.remember("a/b c.txt", stamp, etag);
        record.save();
    }
    CHECK(std::filesystem::exists(state.path / MirrorRecord::file_name(location)));
    CHECK(MirrorRecord::file_name(location).rfind(".b2c-mirror-", 0) == 0);  // never mirrored itself

    MirrorRecord record(state.path, location);
    CHECK(record.vouches_for("a/b c.txt", stamp, object(12)));
    CHECK(record.vouches_for("a/b c.txt", stamp, object(12, "9E107D9D372BB6826BD81D3542A419D6")));
    CHECK_FALSE(record.vouches_for("a/b c.txt", stamp, object(12, "00000000000000000000000000000000")));
    CHECK_FALSE(record.vouches_for("other", stamp, object(12)));
    CHECK_FALSE(MirrorRecord(state.path, "http://elsewhere bkt/pre/").vouches_for("a/b c.txt", stamp, object(12)));
    CHECK_FALSE(MirrorRecord(std::nullopt, location).vouches_for("a/b c.txt", stamp, object(12)));

    // Rewritten with the same size, its mtime put back: the ctime moved.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    volume.write("a/b c.txt", "HELLO WORLD!");
    struct timespec times[2] = {{0, UTIME_OMIT}, {stamp.mtime_ns / 1'000'000'000, stamp.mtime_ns % 1'000'000'000}};
    REQUIRE(::utimensat(AT_FDCWD, file.c_str(), times, 0) == 0);
    auto now = stamp_file(file);
    CHECK(now.mtime_ns == stamp.mtime_ns);
    CHECK(now.size == stamp.size);
    CHECK_FALSE(record.vouches_for("a/b c.txt", now, object(12)));
}

TEST_CASE("a saved mirror record holds only what this mirror remembered")
{
    b2c::testing::TempDir state;
    MirrorRecord first(state.path, location);
    first.remember("old", {1, 2, 3, 4}, etag);
    first.save();
    MirrorRecord second(state.path, location);
    CHECK(second.vouches_for("old", {1, 2, 3, 4}, TreeEntry{"old", 1, etag}));
    second.remember("new", {5, 6, 7, 8}, etag);
    second.save();
    MirrorRecord third(state.path, location);
    CHECK_FALSE(third.vouches_for("old", {1, 2, 3, 4}, TreeEntry{"old", 1, etag}));
    CHECK(third.vouches_for("new", {5, 6, 7, 8}, TreeEntry{"new", 5, etag}));
}

TEST_CASE("a mirror record that cannot be saved costs a warning, nothing else")
{
    b2c::testing::TempDir state;
    MirrorRecord record(state.path / "missing", location);
    record.remember("x", {1, 2, 3, 4}, etag);
    CHECK_NOTHROW(record.save());
}
