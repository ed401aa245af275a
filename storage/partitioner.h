// Writing the planned B2C_CACHE partition with libfdisk: a new GPT on a
// blank disk, or one more partition in a free region of an existing GPT or
// MBR. Existing partitions are never rewritten or moved.
#pragma once

#include <chrono>
#include <string>

#include "storage/block_devices.h"
#include "storage/disk.h"
#include "storage/partition_plan.h"

namespace b2c::storage {

inline constexpr const char* cache_label = "B2C_CACHE";

struct CreatedPartition {
    Partition partition;  // number, node, start, size, name
};

// Writes `plan` (for `disk`, as probed: the table on the disk must still be
// the one the plan was made from) and makes the kernel see the new
// partition, waiting up to `node_timeout` for its node. Throws
// std::runtime_error saying what failed; nothing is written when the plan no
// longer fits the disk.
CreatedPartition create_cache_partition(const Disk& disk, const PartitionPlan& plan,
                                        std::chrono::milliseconds node_timeout, const DiskScan& scan = {});

}  // namespace b2c::storage
