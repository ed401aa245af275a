// What we know of a disk: plain data, filled by block_devices.cpp (sysfs and
// libblkid) or by hand in the unit tests, read by the partition planner.
// Every offset and size is in bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace b2c::storage {

// How a disk is attached, from its sysfs device path. Ranked in this order
// when two disks offer the same free space (see partition_plan.h).
enum class Bus { nvme, sata_scsi, virtio, other, mmc, usb };
std::string_view bus_name(Bus bus);

// The partition table found on a disk. `unknown`: a table we do not write
// (BSD, Atari, ...) or signatures that disagree: never touched.
enum class TableType { none, gpt, dos, unknown };
std::string_view table_type_name(TableType table);

// What libblkid found in a partition or on a whole disk; type is empty when
// nothing was recognised.
struct FilesystemInfo {
    std::string type;  // "ext4", "vfat", "swap", ...
    std::string label;
    std::string uuid;
    std::string usage;  // "filesystem", "raid", "crypto", "other" (swap)
    bool empty() const { return type.empty(); }
};

struct Partition {
    int number = 0;           // 1-based, as in /dev/sda1
    std::string node;         // "/dev/sda1", "/dev/nvme0n1p1" (may not exist yet)
    std::uint64_t start = 0;  // bytes from the start of the disk
    std::uint64_t size = 0;   // bytes
    std::string name;         // GPT partition name (PARTNAME)
    bool extended = false;    // an MBR extended partition (a container)
    bool logical = false;     // an MBR logical partition (inside the extended one)
    FilesystemInfo filesystem;
};

struct Disk {
    std::string name;            // "sda", "nvme0n1", "loop3"
    std::string node;            // "/dev/sda"
    std::uint64_t size = 0;      // bytes
    unsigned sector_size = 512;  // logical sector size, bytes
    Bus bus = Bus::other;
    TableType table = TableType::none;
    FilesystemInfo filesystem;  // a file system directly on the whole disk
    std::vector<Partition> partitions;
};

}  // namespace b2c::storage
