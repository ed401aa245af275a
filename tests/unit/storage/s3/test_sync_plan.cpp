#include <catch2/catch.hpp>

#include "storage/s3/sync_plan.h"

using namespace b2c::s3;

namespace {

std::vector<std::string> paths(const std::vector<TreeEntry>& entries)
{
    std::vector<std::string> out;
    for (const auto& e : entries)
        out.push_back(e.path);
    return out;
}

// Same content when the ETags (standing for the bytes here) are equal.
bool same_etag(const TreeEntry& a, const TreeEntry& b)
{
    return a.etag == b.etag;
}

const std::vector<TreeEntry> source = {
    {"new.txt", 1, "n"},         {"same.txt", 2, "s"},     {"other-size.txt", 3, "x"},
    {"other-bytes.txt", 4, "a"}, {"logs/run.log", 5, "l"},
};
const std::vector<TreeEntry> destination = {
    {"same.txt", 2, "s"}, {"other-size.txt", 30, "x"}, {"other-bytes.txt", 4, "b"},
    {"gone.txt", 6, "g"}, {"logs/old.log", 7, "o"},
};

}  // namespace

TEST_CASE("without overwrite nor remove: copy what is missing, keep what differs, delete nothing")
{
    auto plan = plan_mirror(source, destination, {}, same_etag);
    CHECK(paths(plan.copy) == std::vector<std::string>{"new.txt", "logs/run.log"});
    CHECK(plan.overwrite.empty());
    CHECK(plan.remove.empty());
    CHECK(plan.same == std::vector<std::string>{"same.txt"});
    CHECK(plan.differs == std::vector<std::string>{"other-size.txt", "other-bytes.txt"});
}

TEST_CASE("overwrite replaces what differs, in size or in bytes")
{
    auto plan = plan_mirror(source, destination, {true, false, {}}, same_etag);
    CHECK(paths(plan.overwrite) == std::vector<std::string>{"other-size.txt", "other-bytes.txt"});
    CHECK(plan.differs.empty());
    CHECK(plan.same == std::vector<std::string>{"same.txt"});
}

TEST_CASE("remove deletes what the source does not have")
{
    auto plan = plan_mirror(source, destination, {false, true, {}}, same_etag);
    CHECK(paths(plan.remove) == std::vector<std::string>{"gone.txt", "logs/old.log"});
}

TEST_CASE("excluded paths are neither copied nor removed, on either side")
{
    auto plan = plan_mirror(source, destination, {true, true, {"*.log"}}, same_etag);
    CHECK(paths(plan.copy) == std::vector<std::string>{"new.txt"});
    CHECK(paths(plan.remove) == std::vector<std::string>{"gone.txt"});
    CHECK(plan.excluded == 2);
    CHECK(is_excluded("a/b/c.tmp", {"*.tmp"}));
    CHECK(is_excluded("cache/x", {"cache/*"}));
    CHECK_FALSE(is_excluded("src/cache/x", {"cache/*"}));
    CHECK_FALSE(is_excluded("x.txt", {"*.tmp", "y*"}));
}

TEST_CASE("content is compared only for files of the same size")
{
    std::vector<std::string> asked;
    plan_mirror(source, destination, {}, [&](const TreeEntry& a, const TreeEntry& b) {
        asked.push_back(a.path);
        CHECK(a.size == b.size);
        return same_etag(a, b);
    });
    CHECK(asked == std::vector<std::string>{"same.txt", "other-bytes.txt"});
}

TEST_CASE("empty sides")
{
    auto to_empty = plan_mirror(source, {}, {false, true, {}}, same_etag);
    CHECK(to_empty.copy.size() == source.size());
    CHECK(to_empty.remove.empty());
    auto from_empty = plan_mirror({}, destination, {false, true, {}}, same_etag);
    CHECK(from_empty.copy.empty());
    CHECK(from_empty.remove.size() == destination.size());
    auto from_empty_kept = plan_mirror({}, destination, {}, same_etag);
    CHECK(from_empty_kept.remove.empty());
}
