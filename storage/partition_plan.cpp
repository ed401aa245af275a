#include "storage/partition_plan.h"

#include <algorithm>

#include <fmt/format.h>

namespace b2c::storage {

namespace {

// GPT: a protective MBR and a header at the start, 128 entries of 128 bytes
// after each header; the backup entries and header at the end.
constexpr std::uint64_t gpt_entries_bytes = 128 * 128;
constexpr std::size_t gpt_max_partitions = 128;
// An MBR entry holds 32-bit sector numbers.
constexpr std::uint64_t mbr_max_sectors = std::uint64_t{1} << 32;

std::uint64_t round_down(std::uint64_t value, std::uint64_t alignment)
{
    return alignment ? value / alignment * alignment : value;
}

// Saturates: past the last aligned value, the result is 2^64 - 1 (no
// aligned region can start there).
std::uint64_t round_up(std::uint64_t value, std::uint64_t alignment)
{
    auto down = round_down(value, alignment);
    if (down == value)
        return value;
    return down > ~std::uint64_t{0} - alignment ? ~std::uint64_t{0} : down + alignment;
}

std::uint64_t saturating_multiply(std::uint64_t a, std::uint64_t b)
{
    return b != 0 && a > ~std::uint64_t{0} / b ? ~std::uint64_t{0} : a * b;
}

std::string size_text(std::uint64_t bytes)
{
    if (bytes >= 10 * 1024 * MiB)
        return fmt::format("{} GiB", bytes / (1024 * MiB));
    return fmt::format("{} MiB", bytes / MiB);
}

// The part of the disk a partition may occupy: [first, end).
struct Usable {
    std::uint64_t first;
    std::uint64_t end;
};

Usable usable_area(const Disk& disk, TableType table)
{
    if (table == TableType::dos)
        return {disk.sector_size, std::min(disk.size, saturating_multiply(mbr_max_sectors, disk.sector_size))};
    const std::uint64_t head = 2 * std::uint64_t{disk.sector_size} + gpt_entries_bytes;
    const std::uint64_t tail = std::uint64_t{disk.sector_size} + gpt_entries_bytes;
    return {head, disk.size > tail ? disk.size - tail : 0};
}

// The gaps of [usable.first, usable.end) not covered by `used`, aligned.
std::vector<Region> gaps(Usable usable, std::vector<Region> used, const PlanOptions& options)
{
    std::sort(used.begin(), used.end(), [](const Region& a, const Region& b) { return a.start < b.start; });
    std::vector<Region> result;
    auto add = [&](std::uint64_t start, std::uint64_t end) {
        start = round_up(std::max(start, usable.first), options.alignment);
        end = round_down(std::min(end, usable.end), options.alignment);
        if (end > start && end - start >= options.min_size)
            result.push_back({start, end - start});
    };
    std::uint64_t cursor = usable.first;
    for (const auto& region : used) {
        if (region.start > cursor)
            add(cursor, region.start);
        cursor = std::max(cursor, region.end());
    }
    add(cursor, usable.end);
    std::stable_sort(result.begin(), result.end(), [](const Region& a, const Region& b) { return a.size > b.size; });
    return result;
}

}  // namespace

Result<std::vector<Region>> free_regions(const Disk& disk, const PlanOptions& options)
{
    auto none = [](std::string reason) { return failure(std::move(reason)); };
    std::vector<Region> used;
    switch (disk.table) {
    case TableType::unknown:
        return none("its partition table is of a kind we do not write, or its signatures disagree");
    case TableType::none:
        if (!disk.filesystem.empty())
            return none(
                fmt::format("it holds a {} file system directly, without a partition table", disk.filesystem.type));
        break;
    case TableType::gpt:
        if (disk.partitions.size() >= gpt_max_partitions)
            return none("its GPT has no free entry");
        for (const auto& partition : disk.partitions)
            used.push_back({partition.start, partition.size});
        break;
    case TableType::dos: {
        // Logical partitions live inside the extended one, which counts as
        // used as a whole: a new partition is always a primary one.
        auto primaries = std::count_if(disk.partitions.begin(), disk.partitions.end(),
                                       [](const Partition& p) { return !p.logical; });
        if (primaries >= 4)
            return none("its MBR has 4 primary partitions already");
        for (const auto& partition : disk.partitions)
            if (!partition.logical)
                used.push_back({partition.start, partition.size});
        break;
    }
    }
    const TableType table = disk.table == TableType::none ? TableType::gpt : disk.table;
    auto regions = gaps(usable_area(disk, table), std::move(used), options);
    if (regions.empty())
        return none(fmt::format("no free region of {} or more", size_text(options.min_size)));
    return Result<std::vector<Region>>(std::move(regions));
}

PlanResult plan_cache_partition(const std::vector<Disk>& disks, const PlanOptions& options)
{
    PlanResult result;
    std::optional<PartitionPlan> best;
    for (std::size_t i = 0; i < disks.size(); ++i) {
        const Disk& disk = disks[i];
        auto regions = free_regions(disk, options);
        if (!regions) {
            result.notes.push_back(fmt::format("{}: unusable: {}", disk.node, regions.error()));
            continue;
        }
        const Region& largest = regions->front();
        const bool blank = disk.table == TableType::none;
        result.notes.push_back(fmt::format("{} ({}, {}, {}): {} free at {} MiB{}", disk.node, bus_name(disk.bus),
                                           size_text(disk.size), blank ? "blank" : table_type_name(disk.table),
                                           size_text(largest.size), largest.start / MiB, blank ? " (a new GPT)" : ""));
        const bool better = !best || largest.size > best->region.size ||
                            (largest.size == best->region.size && disk.bus < disks[best->disk_index].bus);
        if (better)
            best = PartitionPlan{i, disk.node, blank, blank ? TableType::gpt : disk.table, largest, {}};
    }
    if (disks.empty())
        return result;  // "no disk to put a cache on"
    if (!best) {
        result.plan = failure(fmt::format("no disk has {} or more of free space", size_text(options.min_size)));
        return result;
    }
    best->why = fmt::format("the largest free region is {} at {} MiB of {} ({})", size_text(best->region.size),
                            best->region.start / MiB, best->disk_node, bus_name(disks[best->disk_index].bus));
    result.plan = *best;
    return result;
}

}  // namespace b2c::storage
