#include "storage/cache.h"

#include <fcntl.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/unique_fd.h"
#include "common/units.h"
#include "storage/ext4.h"
#include "storage/fs_type.h"
#include "storage/partition_nodes.h"
#include "storage/partitioner.h"

namespace fs = std::filesystem;

namespace b2c::storage {

namespace {

using Kind = cmdline::CacheDevice::Kind;

// "No cache, because...": the boot goes on in RAM. `level` says how loudly:
// a warning for what can be expected (no disk, no space), an error for what
// the user must look at (a damaged cache, a device we were told to use).
struct NoCache : std::runtime_error {
    NoCache(spdlog::level::level_enum level, const std::string& why) : std::runtime_error(why), level(level) {}
    spdlog::level::level_enum level;
};

bool is_ext(const std::string& type)
{
    return type == "ext4" || type == "ext3" || type == "ext2";
}

std::string disk_summary(const Disk& disk)
{
    std::string text = fmt::format("{}: {} MiB, {}-byte sectors, bus {}, table {}", disk.node, disk.size / MiB,
                                   disk.sector_size, bus_name(disk.bus), table_type_name(disk.table));
    if (!disk.filesystem.empty())
        text += fmt::format(", a {} file system on the whole disk", disk.filesystem.type);
    for (const auto& p : disk.partitions)
        text += fmt::format("; #{} {} MiB at {} MiB{}{}", p.number, p.size / MiB, p.start / MiB,
                            p.filesystem.empty() ? "" : " " + p.filesystem.type,
                            p.filesystem.label.empty() ? "" : " '" + p.filesystem.label + "'");
    return text;
}

// The store podman uses, its directory for big temporary files, and the
// legacy path, all pointing at the cache.
void attach_to_system(Cache& cache, const CacheOptions& options)
{
    if (!options.big_tmp_dir.empty()) {
        // Left-overs of a boot that died mid-pull are useless: start empty.
        const fs::path tmp = fs::path(cache.mount_point()) / "tmp";
        std::error_code ec;
        fs::remove_all(tmp, ec);
        if (ec)
            spdlog::warn("cannot empty {}: {}", tmp.string(), ec.message());
        fs::create_directories(tmp);
        fs::permissions(tmp, fs::perms::all | fs::perms::sticky_bit);
        fs::create_directories(options.big_tmp_dir);
        cache.bind(tmp.string(), options.big_tmp_dir);
    }
    if (!options.containers_dir.empty()) {
        const fs::path store = fs::path(cache.mount_point()) / "containers";
        fs::create_directories(store);
        fs::create_directories(options.containers_dir);
        cache.bind(store.string(), options.containers_dir);
    }
    if (!options.legacy_link.empty()) {
        const fs::path link = options.legacy_link;
        std::error_code ec;
        if (fs::is_symlink(link, ec)) {
            if (fs::read_symlink(link, ec) == fs::path(cache.mount_point()))
                return;
            fs::remove(link);
        } else if (fs::exists(link, ec)) {
            spdlog::warn("{} exists and is not a symlink: the cache is only at {}", link.string(), cache.mount_point());
            return;
        }
        fs::create_symlink(cache.mount_point(), link);
    }
}

// Checks (or formats) the file system on `node` and mounts it as the cache.
Cache mount_cache(const std::string& node, bool format_first, const CacheOptions& options)
{
    bool formatted = false;
    std::string type = "ext4";
    if (format_first) {
        spdlog::info("formatting {} (ext4, encryption support, label {})", node, cache_label);
        format_ext4(node, cache_label);
        formatted = true;
    } else {
        const auto found = probe_filesystem(node);
        if (found.empty()) {
            spdlog::info("{} holds no file system: formatting it (ext4, encryption support, label {})", node,
                         cache_label);
            format_ext4(node, cache_label);
            formatted = true;
        } else if (found.type == "ambivalent") {
            throw NoCache(spdlog::level::err, fmt::format("{} holds several file system signatures: neither used nor "
                                                          "formatted (b2c.cache_device=reset re-formats a B2C_CACHE "
                                                          "partition; or wipe it: wipefs -a {})",
                                                          node, node));
        } else if (found.usage != "filesystem") {
            throw NoCache(spdlog::level::err,
                          fmt::format("{} holds {} (not a file system): neither used nor formatted", node, found.type));
        } else if (is_ext(found.type)) {
            type = found.type;
            const auto fsck = check_ext4(node);
            if (fsck.verdict == FsckVerdict::failed)
                throw NoCache(spdlog::level::err,
                              fmt::format("THE CACHE ON {} IS DAMAGED: e2fsck -p exited with {} ({}); "
                                          "it was neither mounted nor formatted. Repair it by hand "
                                          "(e2fsck {}) or boot once with b2c.cache_device=reset to "
                                          "re-format it (its content is lost). e2fsck said: {}",
                                          node, fsck.exit_code, describe(fsck.verdict), node, fsck.output));
            if (fsck.verdict == FsckVerdict::clean)
                spdlog::info("e2fsck: {} is clean", node);
            else
                spdlog::warn("e2fsck: {}: {}", node, describe(fsck.verdict));
        } else {
            // Someone chose this file system: never ours to erase.
            type = found.type;
            spdlog::info("{} holds a {} file system: used as it is (not formatted, not checked)", node, found.type);
        }
    }
    fs::create_directories(options.mount_point);
    Mount mount({node, options.mount_point, type, ""});
    Cache cache(node, options.mount_point, std::move(mount), formatted);
    attach_to_system(cache, options);
    return cache;
}

// b2c.cache_device=auto|reset.
Cache automatic_cache(bool reset, const CacheOptions& options)
{
    const auto disks = list_disks(options.disks);
    for (const auto& disk : disks)
        spdlog::info("disk {}", disk_summary(disk));
    const auto matches = find_by_label(disks, cache_label);
    if (!matches.empty()) {
        const auto& match = matches.front();
        const Disk& disk = disks[match.disk];
        if (matches.size() > 1)
            spdlog::warn("{} file systems are labelled {}: using the first one, on {}", matches.size(), cache_label,
                         disk.node);
        std::string node = disk.node;
        if (match.partition)
            node = ensure_partition_node(disk, disk.partitions[*match.partition], options.device_wait, options.disks);
        spdlog::info("cache: found the {} file system on {}{}", cache_label, node,
                     reset ? ", re-formatting it (b2c.cache_device=reset)" : "");
        return mount_cache(node, reset, options);
    }

    spdlog::info("cache: no {} file system found, looking for free space", cache_label);
    const auto result = plan_cache_partition(disks, options.plan);
    for (const auto& note : result.notes)
        spdlog::info("cache: {}", note);
    if (!result.plan)
        throw NoCache(spdlog::level::warn, fmt::format("{}: the cache stays in RAM", result.plan.error()));
    const auto& plan = *result.plan;
    spdlog::info("cache: a new partition on {}: {}", plan.disk_node, plan.why);
    const auto created = create_cache_partition(disks[plan.disk_index], plan, options.device_wait, options.disks);
    return mount_cache(created.partition.node, true, options);
}

// b2c.cache_device=/dev/X.
Cache device_cache(const std::string& path, const CacheOptions& options)
{
    if (!wait_for_path(path, options.device_wait))
        throw NoCache(spdlog::level::warn, fmt::format("{} did not appear within {} s: the cache stays in RAM", path,
                                                       options.device_wait.count() / 1000.0));
    const auto id = identify_node(path);
    if (!id)
        throw NoCache(spdlog::level::err, fmt::format("{} is not a block device: no cache", path));
    if (id->partition > 0) {
        spdlog::info("cache: {} is partition {} of {}", path, id->partition, id->disk_name);
        return mount_cache(path, false, options);
    }

    const Disk disk = probe_disk(id->disk_name, options.disks);
    spdlog::info("disk {}", disk_summary(disk));
    const auto matches = find_by_label({disk}, cache_label);
    if (!matches.empty()) {
        const auto& match = matches.front();
        std::string node = disk.node;
        if (match.partition)
            node = ensure_partition_node(disk, disk.partitions[*match.partition], options.device_wait, options.disks);
        spdlog::info("cache: found the {} file system on {}", cache_label, node);
        return mount_cache(node, false, options);
    }

    // The whole disk was given to us: a new table with one partition.
    Disk blank = disk;
    blank.table = TableType::none;
    blank.filesystem = {};
    blank.partitions.clear();
    const auto regions = free_regions(blank, options.plan);
    if (!regions)
        throw NoCache(spdlog::level::err, fmt::format("{} is too small for a cache ({} MiB at least)", disk.node,
                                                      options.plan.min_size / MiB));
    if (disk.table != TableType::none || !disk.filesystem.empty())
        spdlog::warn("cache: {} has no {} partition: replacing its content with a new GPT and one "
                     "{} partition, as b2c.cache_device={} asks (was: {})",
                     disk.node, cache_label, cache_label, path, disk_summary(disk));
    const PartitionPlan plan{0, disk.node, true, TableType::gpt, regions->front(), "the whole disk was given"};
    const auto created = create_cache_partition(disk, plan, options.device_wait, options.disks);
    return mount_cache(created.partition.node, true, options);
}

constexpr const char* cache_image_name = "b2c-cache.ext4";

// On a network file system the cache is an ext4 image file on it, loop
// mounted: images, volumes, fscrypt and swap then work as on a disk, and
// the share only sees one (sparse) file.
Cache image_file_cache(const cmdline::FilesystemConfig& filesystem, Mount share, const std::string& share_dir,
                       const CacheOptions& options)
{
    const auto image = (fs::path(share_dir) / cache_image_name).string();
    bool formatted = false;
    if (!fs::exists(image)) {
        auto space = fs::space(share_dir);
        // Sparse: the share pays only for what is written.
        auto size = std::clamp<std::uint64_t>(space.available / 10 * 9, 1 * GiB, 256 * GiB);
        spdlog::info("cache: creating {} ({} GiB, sparse) on {}", image, size / GiB, filesystem.source);
        {
            std::ofstream create(image, std::ios::binary);
            if (!create)
                throw std::runtime_error(fmt::format("cannot create {}", image));
        }
        fs::resize_file(image, size);
        format_ext4(image, cache_label);
        formatted = true;
    } else {
        auto checked = check_ext4(image);
        if (checked.verdict == FsckVerdict::failed)
            throw NoCache(spdlog::level::err,
                          fmt::format("THE CACHE IMAGE {} ON {} IS DAMAGED ({}): no cache; repair it with e2fsck "
                                      "or delete it to start afresh. e2fsck said: {}",
                                      image, filesystem.source, describe(checked.verdict), checked.output));
    }
    Mount loop(MountSpec{image, options.mount_point, "ext4", "loop"});
    Cache cache(fmt::format("{} on {}", cache_image_name, filesystem.source), options.mount_point, std::move(loop),
                formatted);
    cache.hold_underlying(std::move(share));
    attach_to_system(cache, options);
    return cache;
}

// b2c.cache_device=FSNAME.
Cache filesystem_cache(const cmdline::StorageConfig& storage, const std::string& name, const CacheOptions& options)
{
    for (const auto& filesystem : storage.filesystems) {
        if (filesystem.name != name)
            continue;
        const auto share_dir = options.mount_point + ".fs";
        fs::create_directories(share_dir);
        fs::create_directories(options.mount_point);
        Mount share(filesystem_mount_spec(filesystem, share_dir));
        // The declared type first: it is what was mounted.
        std::string type = filesystem.type;
        if (type.empty())
            if (UniqueFd fd(::open(share_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); fd)
                type = file_system_type(fd.get());
        if (kind_of(type).shared)
            return image_file_cache(filesystem, std::move(share), share_dir, options);
        // A local file system (a partition, tmpfs): the cache is its root.
        share.unmount();
        Mount mount(filesystem_mount_spec(filesystem, options.mount_point));
        Cache cache(filesystem.source, options.mount_point, std::move(mount), false);
        attach_to_system(cache, options);
        return cache;
    }
    throw NoCache(spdlog::level::err, fmt::format("no b2c.filesystem is named {}: no cache", name));
}

Cache setup(const cmdline::StorageConfig& storage, const CacheOptions& options)
{
    const auto& cache = storage.cache;
    switch (cache.kind) {
    case Kind::automatic: return automatic_cache(false, options);
    case Kind::reset: return automatic_cache(true, options);
    case Kind::device: return device_cache(cache.name, options);
    case Kind::filesystem: return filesystem_cache(storage, cache.name, options);
    case Kind::none: break;
    }
    throw NoCache(spdlog::level::info, "no cache asked (b2c.cache_device=none)");
}

}  // namespace

Cache::Cache(std::string source, std::string mount_point, Mount mount, bool formatted)
    : source_(std::move(source)), mount_point_(std::move(mount_point)), mount_(std::move(mount)), formatted_(formatted)
{
}

Cache::~Cache()
{
    unmount();
}

Cache& Cache::operator=(Cache&& other) noexcept
{
    if (this != &other) {
        unmount();
        source_ = std::move(other.source_);
        mount_point_ = std::move(other.mount_point_);
        mount_ = std::move(other.mount_);
        binds_ = std::move(other.binds_);
        underlying_ = std::move(other.underlying_);
        formatted_ = other.formatted_;
    }
    return *this;
}

void Cache::bind(const std::string& source, const std::string& target)
{
    binds_.emplace_back(MountSpec{source, target, "", "bind"});
}

void Cache::hold_underlying(Mount mount)
{
    underlying_.push_back(std::move(mount));
}

void Cache::unmount() noexcept
{
    for (auto it = binds_.rbegin(); it != binds_.rend(); ++it)
        it->unmount();
    binds_.clear();
    mount_.unmount();
    for (auto it = underlying_.rbegin(); it != underlying_.rend(); ++it)
        it->unmount();
    underlying_.clear();
}

Result<Cache> setup_cache(const cmdline::StorageConfig& storage, const CacheOptions& options)
{
    auto no_cache = [&](spdlog::level::level_enum level, const std::string& why) -> Result<Cache> {
        spdlog::log(level, "cache: {}", why);
        return failure(why);
    };
    try {
        auto cache = setup(storage, options);
        spdlog::info("cache: {} mounted on {}{}", cache.source(), cache.mount_point(),
                     cache.formatted() ? " (formatted during this boot)" : "");
        return Result<Cache>(std::move(cache));
    } catch (const NoCache& e) {
        return no_cache(e.level, e.what());
    } catch (const std::exception& e) {
        return no_cache(spdlog::level::err, fmt::format("NO CACHE, the boot goes on in RAM: {}", e.what()));
    }
}

}  // namespace b2c::storage
