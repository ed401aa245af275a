// Where a new B2C_CACHE partition should go: a pure function of the disks'
// layouts, so every rule is unit-tested without a disk.
//
// Rules (b2c.cache_device=auto never destroys anything):
// * a blank disk (no partition table, no file system on it) offers all of
//   itself, with a new GPT;
// * a disk with a file system written directly on it, or with a table we do
//   not write (BSD, Atari, signatures that disagree), is never touched;
// * a GPT or MBR disk offers its largest free region between (and around)
//   its partitions, aligned to 1 MiB; an MBR disk offers only space outside
//   its extended partition, none when its 4 primary slots are taken, and
//   nothing past 2^32 sectors (what an MBR entry can address);
// * regions smaller than `min_size` are ignored;
// * the largest region wins; on a tie, the faster bus (NVMe, SATA/SCSI,
//   virtio, other, MMC, USB: a USB stick is slow and may leave), then the
//   first disk in the list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/units.h"
#include "storage/disk.h"

namespace b2c::storage {

struct PlanOptions {
    std::uint64_t min_size = 256 * MiB;
    std::uint64_t alignment = 1 * MiB;  // 0 is taken as 1
};

// Sizes and offsets come from partition tables, which may be damaged: all
// arithmetic saturates at 2^64 - 1 instead of wrapping around.
struct Region {
    std::uint64_t start = 0;  // bytes
    std::uint64_t size = 0;   // bytes
    std::uint64_t end() const { return size > ~start ? ~std::uint64_t{0} : start + size; }
    bool operator==(const Region&) const = default;
};

struct PartitionPlan {
    std::size_t disk_index = 0;  // into the planner's input
    std::string disk_node;
    bool new_table = false;            // a blank disk: write a new GPT first
    TableType table = TableType::gpt;  // the table the partition goes in
    Region region;
    std::string why;  // why this disk and region
};

struct PlanResult {
    Result<PartitionPlan> plan = failure("no disk to put a cache on");  // or why none
    std::vector<std::string> notes;  // one line per disk: what it offers, or why nothing
};

// The free regions of one disk, largest first, each aligned and at least
// `options.min_size`; or why the disk offers nothing.
Result<std::vector<Region>> free_regions(const Disk& disk, const PlanOptions& options);

PlanResult plan_cache_partition(const std::vector<Disk>& disks, const PlanOptions& options = {});

}  // namespace b2c::storage
