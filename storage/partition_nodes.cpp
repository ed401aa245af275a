#include "storage/partition_nodes.h"

#include <fcntl.h>
#include <linux/blkpg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "common/unique_fd.h"
#include "storage/sysfs_attribute.h"

namespace fs = std::filesystem;

namespace b2c::storage {

namespace {

// A partition as the kernel has it, from /sys/block/DISK/PART.
struct KernelPartition {
    std::string name;
    int number = 0;
    std::uint64_t start = 0;  // bytes
    std::uint64_t size = 0;
};

std::vector<KernelPartition> kernel_partitions(const Disk& disk, const DiskScan& scan)
{
    std::vector<KernelPartition> result;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(fs::path(scan.sysfs_block) / disk.name, ec)) {
        const auto number = read_sysfs_line(entry.path() / "partition");
        if (number.empty())
            continue;
        try {
            result.push_back({entry.path().filename().string(), std::stoi(number),
                              std::stoull(read_sysfs_line(entry.path() / "start")) * 512,
                              std::stoull(read_sysfs_line(entry.path() / "size")) * 512});
        } catch (const std::exception&) {
            // A partition that vanished while we read it.
        }
    }
    return result;
}

void blkpg(const Disk& disk, int op, int number, std::uint64_t start, std::uint64_t size)
{
    UniqueFd fd(::open(disk.node.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd)
        throw std::runtime_error(fmt::format("cannot open {}: {}", disk.node, error_text(errno)));
    blkpg_partition part{};
    part.start = static_cast<long long>(start);
    part.length = static_cast<long long>(size);
    part.pno = number;
    blkpg_ioctl_arg arg{};
    arg.op = op;
    arg.datalen = sizeof(part);
    arg.data = &part;
    if (::ioctl(fd.get(), BLKPG, &arg) != 0)
        throw std::runtime_error(fmt::format(
            "the kernel refused to {} partition {} of {}: {}", op == BLKPG_ADD_PARTITION ? "add" : "remove", number,
            disk.node, errno == EBUSY ? "it is in use (mounted? swap?) or overlaps another one" : error_text(errno)));
}

// devtmpfs creates the node; without it (a test's /dev, an odd kernel) we do.
void make_node(const fs::path& sys_partition, const std::string& node)
{
    const auto dev = read_sysfs_line(sys_partition / "dev");
    unsigned maj = 0, min = 0;
    if (std::sscanf(dev.c_str(), "%u:%u", &maj, &min) != 2)
        throw std::runtime_error(fmt::format("cannot read {}", (sys_partition / "dev").string()));
    if (::mknod(node.c_str(), S_IFBLK | 0600, makedev(maj, min)) != 0 && errno != EEXIST)
        throw std::runtime_error(fmt::format("cannot create {}: {}", node, error_text(errno)));
}

}  // namespace

bool wait_for_path(const std::string& path, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        std::error_code ec;
        if (fs::exists(path, ec))
            return true;
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

std::string ensure_partition_node(const Disk& disk, const Partition& partition, std::chrono::milliseconds timeout,
                                  const DiskScan& scan)
{
    std::optional<KernelPartition> known;
    for (const auto& kp : kernel_partitions(disk, scan)) {
        if (kp.number == partition.number)
            known = kp;
    }
    if (known && (known->start != partition.start || known->size != partition.size)) {
        spdlog::info("the kernel has partition {} of {} at another place: updating it", partition.number, disk.node);
        blkpg(disk, BLKPG_DEL_PARTITION, partition.number, 0, 0);
        known.reset();
    }
    if (!known) {
        spdlog::info("registering partition {} of {} with the kernel ({} MiB at {} MiB)", partition.number, disk.node,
                     partition.size >> 20, partition.start >> 20);
        blkpg(disk, BLKPG_ADD_PARTITION, partition.number, partition.start, partition.size);
    }
    std::string name = partition_name(disk.name, partition.number);
    for (const auto& kp : kernel_partitions(disk, scan))
        if (kp.number == partition.number)
            name = kp.name;
    const std::string node = (fs::path(scan.dev_dir) / name).string();
    if (!wait_for_path(node, timeout)) {
        spdlog::warn("{} did not appear within {} ms (no devtmpfs?): creating it", node, timeout.count());
        make_node(fs::path(scan.sysfs_block) / disk.name / name, node);
    }
    return node;
}

void forget_kernel_partitions(const Disk& disk, const DiskScan& scan)
{
    for (const auto& kp : kernel_partitions(disk, scan)) {
        spdlog::info("removing the kernel's partition {} ({})", kp.name, disk.node);
        blkpg(disk, BLKPG_DEL_PARTITION, kp.number, 0, 0);
    }
}

}  // namespace b2c::storage
