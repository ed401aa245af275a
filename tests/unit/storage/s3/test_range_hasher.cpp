#include <catch2/catch.hpp>

#include <fcntl.h>

#include <random>
#include <thread>

#include "common/unique_fd.h"
#include "storage/s3/range_hasher.h"
#include "tests/unit/temp_dir.h"

using namespace b2c::s3;

namespace {

std::string random_bytes(std::size_t size)
{
    std::mt19937 random(42);
    std::string bytes(size, '\0');
    for (auto& c : bytes)
        c = static_cast<char>(random());
    return bytes;
}

}  // namespace

TEST_CASE("ranges done in any order, from another thread, hash to the file's ETag")
{
    b2c::testing::TempDir dir;
    const std::uint64_t range = 3 << 20, size = 10 * range + 12345;  // 11 ranges, the last short
    auto bytes = random_bytes(size);
    dir.write("big", bytes);
    b2c::UniqueFd fd(::open((dir.path / "big").c_str(), O_RDONLY | O_CLOEXEC));
    REQUIRE(fd);
    for (std::uint64_t etag_part : {std::uint64_t{0}, range, std::uint64_t{5} << 20}) {
        RangeHasher hasher(fd.get(), "big", size, range, etag_part);
        std::thread engine([&] {
            for (std::size_t i : {3, 0, 10, 1, 2, 5, 4, 9, 8, 7, 6})
                hasher.range_done(i);
        });
        engine.join();
        CHECK(hasher.finish() == file_etag(fd.get(), "big", etag_part));
    }
}

TEST_CASE("a range hasher stops with ranges left undone, and a file it cannot read is an error")
{
    b2c::testing::TempDir dir;
    dir.write("short", "only ten b");
    b2c::UniqueFd fd(::open((dir.path / "short").c_str(), O_RDONLY | O_CLOEXEC));
    {
        RangeHasher hasher(fd.get(), "short", 1000, 100, 0);
        hasher.range_done(0);
    }  // the destructor does not wait for the 9 other ranges
    RangeHasher hasher(fd.get(), "/the/short/file", 1000, 100, 0);
    for (std::size_t i = 0; i < 10; ++i)
        hasher.range_done(i);
    CHECK_THROWS_WITH(hasher.finish(), Catch::Contains("cannot read back /the/short/file"));
}
