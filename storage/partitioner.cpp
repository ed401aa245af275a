#include "storage/partitioner.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <libfdisk/libfdisk.h>
#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "storage/partition_nodes.h"

namespace b2c::storage {

namespace {

struct FdiskContextDeleter {
    void operator()(fdisk_context* cxt) const { fdisk_unref_context(cxt); }
};
using FdiskContext = std::unique_ptr<fdisk_context, FdiskContextDeleter>;

struct PartitionDeleter {
    void operator()(fdisk_partition* pa) const { fdisk_unref_partition(pa); }
};
using FdiskPartition = std::unique_ptr<fdisk_partition, PartitionDeleter>;

// GPT "Linux filesystem data" and MBR "Linux".
constexpr const char* gpt_linux_type = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
constexpr unsigned mbr_linux_type = 0x83;

// libfdisk's messages go to our log; its questions (none expected: every
// value is given) get no answer, so it falls back to an error.
int log_fdisk_message(fdisk_context*, fdisk_ask* ask, void* data)
{
    const auto* node = static_cast<const std::string*>(data);
    const char* message = fdisk_ask_print_get_mesg(ask);
    switch (fdisk_ask_get_type(ask)) {
    case FDISK_ASKTYPE_INFO: spdlog::info("libfdisk ({}): {}", *node, message ? message : ""); return 0;
    case FDISK_ASKTYPE_WARNX: spdlog::warn("libfdisk ({}): {}", *node, message ? message : ""); return 0;
    case FDISK_ASKTYPE_WARN:
        spdlog::warn("libfdisk ({}): {}: {}", *node, message ? message : "",
                     error_text(fdisk_ask_print_get_errno(ask)));
        return 0;
    default: return -EINVAL;
    }
}

// libfdisk returns -errno.
void check(int rc, std::string_view what, const std::string& node)
{
    if (rc < 0)
        throw std::runtime_error(fmt::format("cannot {} on {}: {}", what, node, b2c::error_text(-rc)));
}

}  // namespace

CreatedPartition create_cache_partition(const Disk& disk, const PartitionPlan& plan,
                                        std::chrono::milliseconds node_timeout, const DiskScan& scan)
{
    if (plan.table != TableType::gpt && plan.table != TableType::dos)
        throw std::runtime_error(
            fmt::format("cannot partition {}: unsupported table {}", disk.node, table_type_name(plan.table)));
    FdiskContext cxt(fdisk_new_context());
    if (!cxt)
        throw std::runtime_error("libfdisk: cannot allocate a context (out of memory?)");
    std::string node = disk.node;
    fdisk_set_ask(cxt.get(), log_fdisk_message, &node);
    fdisk_disable_dialogs(cxt.get(), 1);
    check(fdisk_assign_device(cxt.get(), disk.node.c_str(), 0), "open the disk for writing", disk.node);

    if (plan.new_table) {
        // The kernel must let go of the old partitions first; if one is in
        // use, this fails before anything is written.
        forget_kernel_partitions(disk, scan);
        // Old signatures (a file system on the whole disk) must go, or
        // libblkid would later see both it and the GPT.
        fdisk_enable_wipe(cxt.get(), 1);
        check(fdisk_create_disklabel(cxt.get(), "gpt"), "create a GPT", disk.node);
    } else {
        const bool same = fdisk_has_label(cxt.get()) && (plan.table == TableType::gpt ? fdisk_is_label(cxt.get(), GPT)
                                                                                      : fdisk_is_label(cxt.get(), DOS));
        if (!same)
            throw std::runtime_error(
                fmt::format("the partition table of {} is no longer the {} table it was: nothing written", disk.node,
                            table_type_name(plan.table)));
    }

    const std::uint64_t sector = fdisk_get_sector_size(cxt.get());
    fdisk_label* label = fdisk_get_label(cxt.get(), nullptr);
    FdiskPartition pa(fdisk_new_partition());
    if (!pa)
        throw std::runtime_error("libfdisk: cannot allocate a partition (out of memory?)");
    fdisk_partition_set_start(pa.get(), plan.region.start / sector);
    fdisk_partition_set_size(pa.get(), plan.region.size / sector);
    if (plan.table == TableType::dos) {
        // A primary partition: the first free slot of the four.
        std::size_t slot = 0;
        while (slot < 4 && fdisk_is_partition_used(cxt.get(), slot))
            ++slot;
        if (slot == 4)
            throw std::runtime_error(fmt::format("the MBR of {} has no free primary slot", disk.node));
        fdisk_partition_set_partno(pa.get(), slot);
        fdisk_partition_set_type(pa.get(), fdisk_label_get_parttype_from_code(label, mbr_linux_type));
    } else {
        fdisk_partition_partno_follow_default(pa.get(), 1);
        fdisk_partition_set_type(pa.get(), fdisk_label_get_parttype_from_string(label, gpt_linux_type));
        fdisk_partition_set_name(pa.get(), cache_label);
    }
    std::size_t partno = 0;
    check(fdisk_add_partition(cxt.get(), pa.get(), &partno),
          fmt::format("add a {} MiB partition at {} MiB", plan.region.size / MiB, plan.region.start / MiB), disk.node);
    check(fdisk_write_disklabel(cxt.get()), "write the partition table", disk.node);
    check(fdisk_deassign_device(cxt.get(), 0), "flush the partition table", disk.node);

    CreatedPartition created;
    created.partition.number = static_cast<int>(partno) + 1;
    created.partition.start = plan.region.start;
    created.partition.size = plan.region.size;
    if (plan.table == TableType::gpt)
        created.partition.name = cache_label;
    spdlog::info("{}: wrote partition {} ({} MiB at {} MiB) in its {}{}", disk.node, created.partition.number,
                 plan.region.size / MiB, plan.region.start / MiB, table_type_name(plan.table),
                 plan.new_table ? " (a new table)" : "");
    created.partition.node = ensure_partition_node(disk, created.partition, node_timeout, scan);
    return created;
}

}  // namespace b2c::storage
