#include "storage/block_devices.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <blkid/blkid.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "common/unique_fd.h"
#include "storage/sysfs_attribute.h"

namespace fs = std::filesystem;

namespace b2c::storage {

namespace {

constexpr int superblock_flags = BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE;

struct ProbeDeleter {
    void operator()(blkid_struct_probe* probe) const { blkid_free_probe(probe); }
};
using Probe = std::unique_ptr<blkid_struct_probe, ProbeDeleter>;

Probe new_probe(int fd, std::uint64_t offset, std::uint64_t size, const std::string& what)
{
    Probe probe(blkid_new_probe());
    if (!probe)
        throw std::runtime_error("libblkid: cannot allocate a probe (out of memory?)");
    if (blkid_probe_set_device(probe.get(), fd, static_cast<blkid_loff_t>(offset), static_cast<blkid_loff_t>(size)) !=
        0)
        throw std::runtime_error(fmt::format("libblkid cannot read {}", what));
    return probe;
}

std::string lookup(blkid_probe probe, const char* name)
{
    const char* value = nullptr;
    if (blkid_probe_lookup_value(probe, name, &value, nullptr) == 0 && value)
        return value;
    return {};
}

UniqueFd open_read_only(const std::string& path)
{
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd)
        throw std::runtime_error(fmt::format("cannot open {}: {}", path, error_text(errno)));
    return fd;
}

// The file system (superblocks only) in [offset, offset + size) of fd.
FilesystemInfo probe_superblocks(int fd, std::uint64_t offset, std::uint64_t size, const std::string& what)
{
    auto probe = new_probe(fd, offset, size, what);
    blkid_probe_enable_superblocks(probe.get(), 1);
    blkid_probe_set_superblocks_flags(probe.get(), superblock_flags);
    blkid_probe_enable_partitions(probe.get(), 0);
    int rc = blkid_do_safeprobe(probe.get());
    if (rc == -2)
        return {"ambivalent", "", "", "other"};  // several signatures: treat as "something is there"
    if (rc != 0)
        return {};
    return {lookup(probe.get(), "TYPE"), lookup(probe.get(), "LABEL"), lookup(probe.get(), "UUID"),
            lookup(probe.get(), "USAGE")};
}

std::uint64_t read_number(const fs::path& path)
{
    auto text = read_sysfs_line(path);
    try {
        return text.empty() ? 0 : std::stoull(text);
    } catch (const std::exception&) {
        return 0;
    }
}

bool is_virtual_name(std::string_view name)
{
    static constexpr std::array prefixes{"loop", "ram", "zram",     "dm-",      "md",   "nbd",
                                         "sr",   "fd",  "mtdblock", "ubiblock", "nullb"};
    for (std::string_view prefix : prefixes)
        if (name.starts_with(prefix))
            return true;
    // eMMC hardware boot areas and RPMB are not for data.
    return name.starts_with("mmcblk") &&
           (name.find("boot") != std::string_view::npos || name.find("rpmb") != std::string_view::npos);
}

// Why a disk is not usable at all, or empty.
std::string why_unusable(const fs::path& sys)
{
    if (read_sysfs_line(sys / "ro") == "1")
        return "read-only";
    if (sys.filename().string().starts_with("sr") || read_sysfs_line(sys / "device" / "type") == "5")
        return "an optical drive";
    if (read_number(sys / "size") == 0)
        return "empty (no medium?)";
    return {};
}

TableType table_type(const std::string& pttype)
{
    if (pttype.empty())
        return TableType::none;
    if (pttype == "gpt")
        return TableType::gpt;
    if (pttype == "dos")
        return TableType::dos;
    return TableType::unknown;
}

void probe_table(Disk& disk, int fd, const fs::path& sys, const DiskScan& scan)
{
    auto probe = new_probe(fd, 0, 0, disk.node);
    blkid_probe_enable_superblocks(probe.get(), 1);
    blkid_probe_set_superblocks_flags(probe.get(), superblock_flags);
    blkid_probe_enable_partitions(probe.get(), 1);
    int rc = blkid_do_safeprobe(probe.get());
    if (rc == -2) {
        // A table and a file system, or two file systems: not ours to judge.
        disk.table = TableType::unknown;
        return;
    }
    if (rc < 0)
        throw std::runtime_error(fmt::format("libblkid cannot probe {}", disk.node));
    const std::string pttype = lookup(probe.get(), "PTTYPE");
    disk.table = table_type(pttype);
    if (disk.table == TableType::none) {
        disk.filesystem = {lookup(probe.get(), "TYPE"), lookup(probe.get(), "LABEL"), lookup(probe.get(), "UUID"),
                           lookup(probe.get(), "USAGE")};
        return;
    }

    // The partitions, from a probe of their own (the low-level API).
    auto parts_probe = new_probe(fd, 0, 0, disk.node);
    blkid_partlist list = blkid_probe_get_partitions(parts_probe.get());
    if (!list)
        throw std::runtime_error(fmt::format("libblkid cannot read the {} partition table of {}", pttype, disk.node));
    const int count = blkid_partlist_numof_partitions(list);
    for (int i = 0; i < count; ++i) {
        blkid_partition par = blkid_partlist_get_partition(list, i);
        Partition partition;
        partition.number = blkid_partition_get_partno(par);
        // libblkid counts in 512-byte sectors whatever the logical sector size.
        partition.start = static_cast<std::uint64_t>(blkid_partition_get_start(par)) * 512;
        partition.size = static_cast<std::uint64_t>(blkid_partition_get_size(par)) * 512;
        if (const char* name = blkid_partition_get_name(par))
            partition.name = name;
        partition.extended = blkid_partition_is_extended(par);
        partition.logical = blkid_partition_is_logical(par);
        // A nested table (a BSD label inside an MBR partition) is not ours.
        if (blkid_partition_get_table(par) != blkid_partlist_get_table(list))
            continue;
        partition.node = (fs::path(scan.dev_dir) / partition_name(disk.name, partition.number)).string();
        // The kernel's name, when it knows the partition (same rule, but trust it).
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(sys, ec)) {
            if (read_sysfs_line(entry.path() / "partition") == std::to_string(partition.number)) {
                partition.node = (fs::path(scan.dev_dir) / entry.path().filename()).string();
                break;
            }
        }
        if (!partition.extended && partition.start + partition.size <= disk.size)
            partition.filesystem = probe_superblocks(fd, partition.start, partition.size,
                                                     fmt::format("partition {} of {}", partition.number, disk.node));
        disk.partitions.push_back(std::move(partition));
    }
    std::sort(disk.partitions.begin(), disk.partitions.end(),
              [](const Partition& a, const Partition& b) { return a.number < b.number; });
}

}  // namespace

Bus bus_from_sysfs_path(std::string_view path)
{
    // Most specific first: a USB-SATA bridge has both /usb and /host in its
    // path, a virtio-scsi disk both /virtio and /host.
    if (path.find("/usb") != std::string_view::npos)
        return Bus::usb;
    if (path.find("/nvme") != std::string_view::npos)
        return Bus::nvme;
    if (path.find("/virtio") != std::string_view::npos)
        return Bus::virtio;
    if (path.find("/mmc") != std::string_view::npos)
        return Bus::mmc;
    if (path.find("/ata") != std::string_view::npos || path.find("/host") != std::string_view::npos)
        return Bus::sata_scsi;
    return Bus::other;
}

std::string partition_name(std::string_view disk_name, int number)
{
    const bool ends_with_digit = !disk_name.empty() && disk_name.back() >= '0' && disk_name.back() <= '9';
    return fmt::format("{}{}{}", disk_name, ends_with_digit ? "p" : "", number);
}

Disk probe_disk(const std::string& name, const DiskScan& scan)
{
    const fs::path sys = fs::path(scan.sysfs_block) / name;
    if (!fs::exists(sys))
        throw std::runtime_error(fmt::format("{} is not a disk the kernel knows ({} is missing)", name, sys.string()));
    Disk disk;
    disk.name = name;
    disk.node = (fs::path(scan.dev_dir) / name).string();
    disk.size = read_number(sys / "size") * 512;  // sysfs counts 512-byte units
    disk.sector_size = static_cast<unsigned>(read_number(sys / "queue" / "logical_block_size"));
    if (disk.sector_size == 0)
        disk.sector_size = 512;
    std::error_code ec;
    disk.bus = bus_from_sysfs_path(fs::canonical(sys, ec).string());
    auto fd = open_read_only(disk.node);
    probe_table(disk, fd.get(), sys, scan);
    return disk;
}

std::vector<Disk> list_disks(const DiskScan& scan)
{
    std::vector<std::string> names = scan.only;
    if (names.empty()) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(scan.sysfs_block, ec))
            if (!is_virtual_name(entry.path().filename().string()))
                names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
    }
    std::vector<Disk> disks;
    for (const auto& name : names) {
        const auto why = why_unusable(fs::path(scan.sysfs_block) / name);
        if (!why.empty()) {
            spdlog::info("disk {}: skipped, {}", name, why);
            continue;
        }
        try {
            disks.push_back(probe_disk(name, scan));
        } catch (const std::exception& e) {
            spdlog::warn("disk {}: skipped: {}", name, e.what());
        }
    }
    return disks;
}

FilesystemInfo probe_filesystem(const std::string& path)
{
    auto fd = open_read_only(path);
    return probe_superblocks(fd.get(), 0, 0, path);
}

std::vector<Signature> list_signatures(const std::string& path)
{
    auto fd = open_read_only(path);
    auto probe = new_probe(fd.get(), 0, 0, path);
    blkid_probe_enable_superblocks(probe.get(), 1);
    blkid_probe_set_superblocks_flags(probe.get(), superblock_flags | BLKID_SUBLKS_MAGIC | BLKID_SUBLKS_BADCSUM);
    blkid_probe_enable_partitions(probe.get(), 1);
    blkid_probe_set_partitions_flags(probe.get(), BLKID_PARTS_MAGIC);
    std::vector<Signature> found;
    int rc = 0;
    // One signature per call, every prober of every chain in turn.
    while ((rc = blkid_do_probe(probe.get())) == 0) {
        if (auto table = lookup(probe.get(), "PTTYPE"); !table.empty())
            found.push_back({table, "partition table", lookup(probe.get(), "PTUUID")});
        else
            found.push_back({lookup(probe.get(), "TYPE"), lookup(probe.get(), "USAGE"), lookup(probe.get(), "UUID")});
    }
    if (rc < 0)
        throw std::runtime_error(fmt::format("libblkid cannot probe {}", path));
    return found;
}

std::vector<LabelMatch> find_by_label(const std::vector<Disk>& disks, std::string_view label)
{
    std::vector<LabelMatch> matches;
    for (std::size_t d = 0; d < disks.size(); ++d) {
        if (disks[d].filesystem.label == label)
            matches.push_back({d, std::nullopt});
        for (std::size_t p = 0; p < disks[d].partitions.size(); ++p)
            if (disks[d].partitions[p].filesystem.label == label)
                matches.push_back({d, p});
    }
    return matches;
}

std::optional<NodeIdentity> identify_node(const std::string& node)
{
    struct stat st {};
    if (::stat(node.c_str(), &st) != 0 || !S_ISBLK(st.st_mode))
        return std::nullopt;
    std::error_code ec;
    const fs::path sys = fs::canonical(fmt::format("/sys/dev/block/{}:{}", major(st.st_rdev), minor(st.st_rdev)), ec);
    if (ec)
        return std::nullopt;
    if (fs::exists(sys / "partition"))
        return NodeIdentity{sys.parent_path().filename().string(), static_cast<int>(read_number(sys / "partition"))};
    return NodeIdentity{sys.filename().string(), 0};
}

}  // namespace b2c::storage
