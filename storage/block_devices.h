// The machine's disks, from sysfs, with their partitions and file systems
// probed by libblkid. Partitions are read from the table on the disk, not
// from the kernel's view: a partition the kernel has not (yet) registered is
// still found, and partition_nodes.h can make the kernel see it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/disk.h"

namespace b2c::storage {

struct DiskScan {
    std::string sysfs_block = "/sys/block";
    std::string dev_dir = "/dev";
    // Kernel names ("sda", "loop3") to consider, in this order. Empty: every
    // disk of sysfs_block, minus virtual ones (loop, ram, zram, dm-, md, nbd,
    // ...). Given names are never skipped for being virtual, but read-only,
    // optical and empty devices still are. Tests list their loop devices here.
    std::vector<std::string> only;
};

// Kernel name -> bus, from the resolved sysfs path of the device
// ("/sys/devices/pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1" -> nvme).
Bus bus_from_sysfs_path(std::string_view resolved_path);

// The partition node name of partition `number` of disk `disk_name`, as the
// kernel names it: sda -> sda1, nvme0n1 -> nvme0n1p1, loop0 -> loop0p1.
std::string partition_name(std::string_view disk_name, int number);

// Whole disks we may use, probed, in name order (or in `only`'s order).
// A disk that cannot be probed is skipped with a warning.
std::vector<Disk> list_disks(const DiskScan& scan = {});

// One disk by kernel name, probed; throws std::runtime_error with the reason
// when it cannot be read.
Disk probe_disk(const std::string& name, const DiskScan& scan = {});

// What file system the block device (or file) `path` holds; empty if none.
// Throws std::runtime_error when it cannot be opened or probed.
FilesystemInfo probe_filesystem(const std::string& path);

// One signature libblkid recognises on a device, as wipefs lists them.
struct Signature {
    std::string type;   // "ext4", "swap", "gpt", "linux_raid_member", ...
    std::string usage;  // "filesystem", "raid", "crypto", "other"; "partition table" for a table
    std::string uuid;
};
// Every signature on the block device (or file) `path`: file systems, swap
// areas, RAID/LVM members, encryption headers, partition tables, also
// those with a bad checksum. Empty: a blank device. Throws
// std::runtime_error when it cannot be opened or probed.
std::vector<Signature> list_signatures(const std::string& path);

// A file system labelled `label`: on partition `partition` of disks[disk],
// or on the whole disk when `partition` is empty.
struct LabelMatch {
    std::size_t disk = 0;
    std::optional<std::size_t> partition;
};
std::vector<LabelMatch> find_by_label(const std::vector<Disk>& disks, std::string_view label);

// What the kernel says of an existing block device node: the kernel name of
// its whole disk, and its partition number (0 for a whole disk). Empty if
// `node` is not a block device.
struct NodeIdentity {
    std::string disk_name;
    int partition = 0;
};
std::optional<NodeIdentity> identify_node(const std::string& node);

}  // namespace b2c::storage
