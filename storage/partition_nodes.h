// Making the kernel see a partition, without udev and whatever its partition
// parsers: BLKPG adds exactly the partition we name (it works while other
// partitions of the disk are mounted, where a full re-read would fail with
// EBUSY), then we wait for devtmpfs to create the node.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "storage/block_devices.h"
#include "storage/disk.h"

namespace b2c::storage {

// The /dev node of partition `partition` of `disk`, registered with the
// kernel at its on-disk place if it was not (or elsewhere), and waited for up
// to `timeout`. Throws std::runtime_error saying what the kernel refused.
std::string ensure_partition_node(const Disk& disk, const Partition& partition, std::chrono::milliseconds timeout,
                                  const DiskScan& scan = {});

// Removes every partition the kernel knows of `disk` (its table is about to
// be replaced). Throws when one is in use (mounted, swap, ...).
void forget_kernel_partitions(const Disk& disk, const DiskScan& scan = {});

// Waits up to `timeout` for `path` to exist; true if it does.
bool wait_for_path(const std::string& path, std::chrono::milliseconds timeout);

}  // namespace b2c::storage
