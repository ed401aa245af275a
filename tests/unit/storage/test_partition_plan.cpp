#include <catch2/catch.hpp>

#include "storage/partition_plan.h"

using namespace b2c::storage;

namespace Catch {
template <>
struct StringMaker<Region> {
    static std::string convert(const Region& r)
    {
        return "{start " + std::to_string(r.start) + ", size " + std::to_string(r.size) + "}";
    }
};
}  // namespace Catch

namespace {

using b2c::GiB;
using b2c::MiB;

Disk disk(std::string name, std::uint64_t size, TableType table, Bus bus = Bus::sata_scsi, unsigned sector_size = 512)
{
    Disk d;
    d.name = name;
    d.node = "/dev/" + name;
    d.size = size;
    d.table = table;
    d.bus = bus;
    d.sector_size = sector_size;
    return d;
}

Partition part(int number, std::uint64_t start, std::uint64_t size, bool logical = false, bool extended = false)
{
    Partition p;
    p.number = number;
    p.start = start;
    p.size = size;
    p.logical = logical;
    p.extended = extended;
    return p;
}

// The regions a disk offers; none (and a failed check) when it offers nothing.
std::vector<Region> offered(const Disk& d)
{
    auto regions = free_regions(d, {});
    CHECK(regions.ok());
    return regions ? *regions : std::vector<Region>{};
}

}  // namespace

TEST_CASE("a blank disk offers all of itself, with a new GPT")
{
    auto result = plan_cache_partition({disk("sda", 8 * GiB, TableType::none)});
    REQUIRE(result.plan);
    CHECK(result.plan->disk_index == 0);
    CHECK(result.plan->disk_node == "/dev/sda");
    CHECK(result.plan->new_table);
    CHECK(result.plan->table == TableType::gpt);
    // 1 MiB for the primary GPT, the last MiB holds the backup GPT.
    CHECK(result.plan->region == Region{1 * MiB, 8 * GiB - 2 * MiB});
    REQUIRE(result.notes.size() == 1);
    CHECK_THAT(result.notes[0], Catch::Contains("blank"));
}

TEST_CASE("a blank disk with 4096-byte sectors is aligned the same way")
{
    auto result = plan_cache_partition({disk("nvme0n1", 4 * GiB, TableType::none, Bus::nvme, 4096)});
    REQUIRE(result.plan);
    CHECK(result.plan->region == Region{1 * MiB, 4 * GiB - 2 * MiB});
}

TEST_CASE("a file system directly on a disk is never touched")
{
    auto d = disk("sdb", 8 * GiB, TableType::none);
    d.filesystem.type = "ext4";
    auto result = plan_cache_partition({d});
    CHECK_FALSE(result.plan);
    CHECK_THAT(result.notes.at(0), Catch::Contains("ext4 file system directly"));
    CHECK_THAT(result.plan.error(), Catch::Contains("no disk has 256 MiB"));
}

TEST_CASE("a table we do not write is never touched")
{
    auto result = plan_cache_partition({disk("sdb", 8 * GiB, TableType::unknown)});
    CHECK_FALSE(result.plan);
    CHECK_THAT(result.notes.at(0), Catch::Contains("do not write"));
}

TEST_CASE("GPT: the free space after the partitions")
{
    auto d = disk("vda", 8 * GiB, TableType::gpt, Bus::virtio);
    d.partitions = {part(1, 1 * MiB, 1 * GiB)};
    auto result = plan_cache_partition({d});
    REQUIRE(result.plan);
    CHECK_FALSE(result.plan->new_table);
    CHECK(result.plan->table == TableType::gpt);
    CHECK(result.plan->region == Region{1 * GiB + 1 * MiB, 8 * GiB - 1 * MiB - (1 * GiB + 1 * MiB)});
}

TEST_CASE("GPT: the largest gap wins, wherever it is; partitions in any order")
{
    auto d = disk("sda", 10 * GiB, TableType::gpt);
    // [1M, 1G+1M) used, [1G+1M, 5G) free, [5G, 9G) used, [9G, 10G-1M) free
    d.partitions = {part(2, 5 * GiB, 4 * GiB), part(1, 1 * MiB, 1 * GiB)};
    auto regions = offered(d);
    REQUIRE(regions.size() == 2);
    CHECK(regions[0] == Region{1 * GiB + 1 * MiB, 4 * GiB - 1 * MiB});
    CHECK(regions[1] == Region{9 * GiB, 1 * GiB - 1 * MiB});
    auto result = plan_cache_partition({d});
    REQUIRE(result.plan);
    CHECK(result.plan->region == regions[0]);
}

TEST_CASE("gaps are aligned to 1 MiB inwards")
{
    auto d = disk("sda", 4 * GiB, TableType::gpt);
    // Ends 512 bytes past 1 GiB; the next starts 512 bytes before 3 GiB.
    d.partitions = {part(1, 2048 * 512, 1 * GiB - 1 * MiB + 512), part(2, 3 * GiB - 512, 512 * MiB)};
    auto regions = offered(d);
    REQUIRE_FALSE(regions.empty());
    CHECK(regions[0] == Region{1 * GiB + 1 * MiB, 2 * GiB - 2 * MiB});
}

TEST_CASE("a full disk offers nothing")
{
    auto d = disk("sda", 2 * GiB, TableType::gpt);
    d.partitions = {part(1, 1 * MiB, 2 * GiB - 2 * MiB)};
    auto result = plan_cache_partition({d});
    CHECK_FALSE(result.plan);
    CHECK_THAT(result.notes.at(0), Catch::Contains("no free region of 256 MiB or more"));
    CHECK_THAT(result.plan.error(), Catch::Contains("no disk has 256 MiB or more of free space"));
}

TEST_CASE("free space under the minimum size is ignored; the minimum is an option")
{
    auto d = disk("sda", 2 * GiB, TableType::gpt);
    d.partitions = {part(1, 1 * MiB, 2 * GiB - 200 * MiB)};
    CHECK_FALSE(plan_cache_partition({d}).plan);
    PlanOptions small;
    small.min_size = 64 * MiB;
    auto result = plan_cache_partition({d}, small);
    REQUIRE(result.plan);
    CHECK(result.plan->region == Region{2 * GiB - 199 * MiB, 198 * MiB});
}

TEST_CASE("GPT with every entry taken offers nothing")
{
    auto d = disk("sda", 100 * GiB, TableType::gpt);
    for (int i = 0; i < 128; ++i)
        d.partitions.push_back(part(i + 1, (1 + i) * MiB, 1 * MiB));
    auto result = plan_cache_partition({d});
    CHECK_FALSE(result.plan);
    CHECK_THAT(result.notes.at(0), Catch::Contains("no free entry"));
}

TEST_CASE("MBR: free space after the partitions, a primary partition")
{
    auto d = disk("sdb", 4 * GiB, TableType::dos);
    d.partitions = {part(1, 1 * MiB, 1 * GiB)};
    auto result = plan_cache_partition({d});
    REQUIRE(result.plan);
    CHECK(result.plan->table == TableType::dos);
    CHECK_FALSE(result.plan->new_table);
    // No backup table at the end of an MBR disk.
    CHECK(result.plan->region == Region{1 * GiB + 1 * MiB, 3 * GiB - 1 * MiB});
}

TEST_CASE("MBR: 4 primary partitions leave no slot")
{
    auto d = disk("sdb", 16 * GiB, TableType::dos);
    d.partitions = {part(1, 1 * MiB, 1 * GiB), part(2, 2 * GiB, 1 * GiB), part(3, 4 * GiB, 1 * GiB),
                    part(4, 6 * GiB, 1 * GiB)};
    auto result = plan_cache_partition({d});
    CHECK_FALSE(result.plan);
    CHECK_THAT(result.notes.at(0), Catch::Contains("4 primary partitions"));
}

TEST_CASE("MBR: logical partitions do not take primary slots; the extended one is used space")
{
    auto d = disk("sdb", 16 * GiB, TableType::dos);
    // 3 primaries, one of them extended [4G, 10G) with a single small logical inside.
    d.partitions = {part(1, 1 * MiB, 1 * GiB), part(2, 2 * GiB, 1 * GiB), part(3, 4 * GiB, 6 * GiB, false, true),
                    part(5, 4 * GiB + 1 * MiB, 1 * GiB, true)};
    auto regions = offered(d);
    REQUIRE(regions.size() == 3);
    CHECK(regions[0] == Region{10 * GiB, 6 * GiB});  // not inside the extended partition
    CHECK(regions[1] == Region{3 * GiB, 1 * GiB});
    CHECK(regions[2] == Region{1 * GiB + 1 * MiB, 1 * GiB - 1 * MiB});
}

TEST_CASE("MBR: nothing past 2^32 sectors")
{
    auto d = disk("sdc", 4096 * GiB, TableType::dos);
    d.partitions = {part(1, 1 * MiB, 1 * GiB)};
    auto result = plan_cache_partition({d});
    REQUIRE(result.plan);
    CHECK(result.plan->region.end() == 2048 * GiB);  // 2^32 x 512 bytes
}

TEST_CASE("across disks the largest region wins, whatever the bus")
{
    auto nvme = disk("nvme0n1", 4 * GiB, TableType::none, Bus::nvme);
    auto usb = disk("sdb", 64 * GiB, TableType::none, Bus::usb);
    auto result = plan_cache_partition({nvme, usb});
    REQUIRE(result.plan);
    CHECK(result.plan->disk_index == 1);
    CHECK(result.notes.size() == 2);
    CHECK_THAT(result.plan->why, Catch::Contains("/dev/sdb"));
}

TEST_CASE("on a tie the faster bus wins: nvme, sata/scsi, virtio, other, mmc, usb")
{
    const Bus order[] = {Bus::nvme, Bus::sata_scsi, Bus::virtio, Bus::other, Bus::mmc, Bus::usb};
    for (std::size_t better = 0; better + 1 < std::size(order); ++better) {
        for (std::size_t worse = better + 1; worse < std::size(order); ++worse) {
            auto a = disk("a", 8 * GiB, TableType::none, order[worse]);
            auto b = disk("b", 8 * GiB, TableType::none, order[better]);
            auto result = plan_cache_partition({a, b});
            REQUIRE(result.plan);
            CHECK(result.plan->disk_index == 1);
            result = plan_cache_partition({b, a});
            REQUIRE(result.plan);
            CHECK(result.plan->disk_index == 0);
        }
    }
}

TEST_CASE("on a full tie the first disk wins")
{
    auto result = plan_cache_partition({disk("sda", 8 * GiB, TableType::none), disk("sdb", 8 * GiB, TableType::none)});
    REQUIRE(result.plan);
    CHECK(result.plan->disk_index == 0);
}

TEST_CASE("unusable disks are noted and skipped")
{
    auto fs_disk = disk("sda", 64 * GiB, TableType::none);
    fs_disk.filesystem.type = "xfs";
    auto ok = disk("sdb", 8 * GiB, TableType::gpt);
    auto result = plan_cache_partition({fs_disk, ok});
    REQUIRE(result.plan);
    CHECK(result.plan->disk_index == 1);
    CHECK_THAT(result.notes.at(0), Catch::Contains("unusable"));
}

TEST_CASE("no disk at all")
{
    auto result = plan_cache_partition({});
    CHECK_FALSE(result.plan);
    CHECK(result.plan.error() == "no disk to put a cache on");
}

TEST_CASE("a disk too small for its own GPT")
{
    auto result = plan_cache_partition({disk("tiny", 8 * 1024, TableType::none)});
    CHECK_FALSE(result.plan);
}

TEST_CASE("sizes near 2^64 never wrap around")
{
    constexpr std::uint64_t max = ~std::uint64_t{0};
    // A partition whose start + size passes 2^64 (a damaged table) ends the
    // disk: no free region is offered past it, nor a wrapped one before it.
    auto d = disk("sda", max, TableType::gpt);
    d.partitions = {part(1, 1 * MiB, 1 * GiB), part(2, max - 10 * MiB, 100 * MiB)};
    for (const auto& region : offered(d)) {
        CHECK(region.start >= 1 * MiB + 1 * GiB);
        CHECK(region.end() > region.start);
        CHECK(region.end() <= max - 10 * MiB);
    }
    // A disk of 2^64 - 1 bytes: the last aligned MiB is where it ends.
    auto blank = plan_cache_partition({disk("sdb", max, TableType::none)});
    REQUIRE(blank.plan);
    CHECK(blank.plan->region.end() > blank.plan->region.start);
    CHECK(blank.plan->region.end() % MiB == 0);
    CHECK(Region{max - 5, 100}.end() == max);
    // An alignment of zero is taken as no alignment, not a division by zero.
    PlanOptions unaligned;
    unaligned.alignment = 0;
    CHECK(free_regions(disk("sdc", 8 * GiB, TableType::none), unaligned).ok());
}
