// Runs the cache code against the loop devices a host test gives it, with
// every path under a temporary root, and prints what happened as key=value
// lines. Only the disks named with --disk are ever looked at.
//
//   cache_probe --root DIR [--disk NAME]... [--wait-ms N] [--min-size-mib N]
//               [--write NAME=TEXT] [--read NAME] CMDLINE
//   cache_probe --list --disk NAME...      (what block_devices sees)
//   cache_probe --plan --disk NAME...      (what the planner would do; writes nothing)
//
// CMDLINE holds b2c.cache_device= (and b2c.filesystem=) as on a kernel
// command line. Exit status 0 with a cache, 1 without, 2 on bad usage.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "cmdline/config.h"
#include "common/log.h"
#include "storage/block_devices.h"
#include "storage/cache.h"
#include "storage/partition_plan.h"

namespace fs = std::filesystem;
using namespace b2c::storage;

namespace {

int usage()
{
    std::cerr << "usage: cache_probe --root DIR [--disk NAME]... [--wait-ms N] [--min-size-mib N]\n"
                 "                   [--write NAME=TEXT] [--read NAME] CMDLINE\n"
                 "       cache_probe --list|--plan --disk NAME...\n";
    return 2;
}

bool is_mounted(const std::string& path)
{
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string id, parent, devno, root, mount_point;
        fields >> id >> parent >> devno >> root >> mount_point;
        if (mount_point == path)
            return true;
    }
    return false;
}

void list(const std::vector<Disk>& disks)
{
    for (const auto& d : disks) {
        std::cout << "disk=" << d.name << " node=" << d.node << " size=" << d.size << " sector=" << d.sector_size
                  << " bus=" << bus_name(d.bus) << " table=" << table_type_name(d.table)
                  << " fstype=" << d.filesystem.type << " label=" << d.filesystem.label << "\n";
        for (const auto& p : d.partitions)
            std::cout << "partition=" << p.number << " disk=" << d.name << " node=" << p.node << " start=" << p.start
                      << " size=" << p.size << " name=" << p.name << " fstype=" << p.filesystem.type
                      << " label=" << p.filesystem.label << "\n";
    }
}

}  // namespace

int main(int argc, char** argv)
{
    b2c::setup_logging();
    CacheOptions options;
    std::string root, cmdline, mode = "cache";
    std::vector<std::pair<std::string, std::string>> writes;
    std::vector<std::string> reads;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (arg == "--root") {
            root = next();
        } else if (arg == "--disk") {
            options.disks.only.push_back(next());
        } else if (arg == "--wait-ms") {
            options.device_wait = std::chrono::milliseconds(std::atoi(next().c_str()));
        } else if (arg == "--min-size-mib") {
            options.plan.min_size = std::strtoull(next().c_str(), nullptr, 10) * b2c::MiB;
        } else if (arg == "--write") {
            auto value = next();
            auto eq = value.find('=');
            if (eq == std::string::npos)
                return usage();
            writes.emplace_back(value.substr(0, eq), value.substr(eq + 1));
        } else if (arg == "--read") {
            reads.push_back(next());
        } else if (arg == "--list" || arg == "--plan") {
            mode = arg.substr(2);
        } else if (arg.starts_with("-") || !cmdline.empty()) {
            return usage();
        } else {
            cmdline = arg;
        }
    }

    if (mode != "cache") {
        if (options.disks.only.empty())
            return usage();  // never look at the machine's own disks
        auto disks = list_disks(options.disks);
        if (mode == "list") {
            list(disks);
            return 0;
        }
        auto result = plan_cache_partition(disks, options.plan);
        for (const auto& note : result.notes)
            std::cout << "note=" << note << "\n";
        std::cout << "reason=" << (result.plan ? result.plan->why : result.plan.error()) << "\n";
        if (!result.plan)
            return 1;
        std::cout << "disk=" << result.plan->disk_node << "\nnew_table=" << result.plan->new_table
                  << "\ntable=" << table_type_name(result.plan->table) << "\nstart=" << result.plan->region.start
                  << "\nsize=" << result.plan->region.size << "\n";
        return 0;
    }

    if (root.empty() || cmdline.empty())
        return usage();
    // `auto` must only ever see the test's loop devices: without --disk, a
    // name no disk has, so that it sees none.
    if (options.disks.only.empty())
        options.disks.only.push_back("b2c-probe-no-disk");
    options.mount_point = root + "/storage";
    options.legacy_link = root + "/container";
    options.containers_dir = root + "/var/lib/containers";
    options.big_tmp_dir = root + "/var/tmp";

    auto config = b2c::cmdline::parse_config(cmdline);
    for (const auto& d : config.diagnostics)
        std::cout << "diagnostic=" << d.option << ": " << d.message << "\n";
    const auto start = std::chrono::steady_clock::now();
    int status = 0;
    {
        auto cache = setup_cache(config.storage, options);
        const auto elapsed =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        std::cout << "elapsed_ms=" << elapsed.count() << "\n";
        if (!cache) {
            std::cout << "cache=no\nreason=" << cache.error() << "\n";
            return 1;
        }
        std::cout << "cache=yes\nsource=" << cache->source() << "\nmount_point=" << cache->mount_point()
                  << "\nformatted=" << cache->formatted() << "\nmounted=" << is_mounted(options.mount_point)
                  << "\ncontainers_bound=" << is_mounted(options.containers_dir)
                  << "\ntmp_bound=" << is_mounted(options.big_tmp_dir) << "\n";
        std::error_code ec;
        // What an interrupted pull left in the previous run must be gone;
        // leave such a file for the next run to check.
        const auto entries = std::distance(fs::directory_iterator(options.big_tmp_dir), fs::directory_iterator{});
        std::cout << "tmp_entries=" << entries << "\n";
        std::ofstream(fs::path(options.big_tmp_dir) / "partial-layer") << "left by an interrupted pull";
        std::cout << "legacy_link=" << fs::read_symlink(options.legacy_link, ec).string() << "\n";
        // Through the bind mount: proves the store lands on the cache.
        for (const auto& [name, text] : writes) {
            std::ofstream out(fs::path(options.containers_dir) / name);
            out << text;
            if (!out)
                status = 1;
        }
        for (const auto& name : reads) {
            std::ifstream in(fs::path(options.containers_dir) / name);
            std::string text;
            std::getline(in, text);
            std::cout << "read." << name << "=" << (in ? text : std::string("<missing>")) << "\n";
        }
    }
    // The Cache is gone: everything must be unmounted.
    std::cout << "unmounted="
              << (!is_mounted(options.mount_point) && !is_mounted(options.containers_dir) &&
                  !is_mounted(options.big_tmp_dir))
              << "\n";
    return status;
}
