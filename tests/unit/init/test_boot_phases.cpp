// The order of a boot (docs/cmdline.md, "Order of a boot"), read from the
// one table that holds it, and what it means for the extra options.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cmdline/config.h"
#include "init/boot_phases.h"

using namespace b2c::init;
using b2c::cmdline::ReadIn;

namespace {

std::vector<std::string> wanted_ids(const std::string& cmdline)
{
    Boot boot;
    boot.config = b2c::cmdline::parse_config(cmdline);
    boot.host_name_set = boot.config.network.hostname;  // as the network phase leaves it
    std::vector<std::string> ids;
    for (const auto& phase : boot_phases()) {
        if (!phase.wanted(boot))
            continue;
        ids.emplace_back(phase.id);
        // What those phases' runs note first, before their real work.
        boot.storage_up = boot.storage_up || phase.id == "storage";
        boot.clock_set = boot.clock_set || phase.id == "clock";
    }
    return ids;
}

}  // namespace

TEST_CASE("the phases run in the contract's order, each when it is wanted")
{
    using Ids = std::vector<std::string>;
    CHECK(wanted_ids("") == Ids{"summary", "cmdline", "modules", "storage", "network"});
    // The storage waits for the extra options: they may bring the cache and swap.
    CHECK(wanted_ids("b2c.ntp_peer=auto b2c.extra_args_url=http://h/x b2c.keymap=fr") ==
          Ids{"summary", "cmdline", "modules", "network", "clock", "extra_args", "storage", "keymap"});
    // The proxy after the extra options, which may bring it.
    CHECK(wanted_ids("b2c.proxy=https=http://p:3128 b2c.extra_args_url=http://h/x") ==
          Ids{"summary", "cmdline", "modules", "network", "extra_args", "storage", "proxy"});
    // A cache on NFS needs the network first.
    CHECK(wanted_ids("b2c.filesystem=nfs,type=nfs,src=10.0.0.1:/c b2c.cache_device=nfs") ==
          Ids{"summary", "cmdline", "modules", "network", "storage"});
    CHECK(wanted_ids("b2c.filesystem=nfs,type=nfs,src=10.0.0.1:/c b2c.cache_device=nfs b2c.ntp_peer=h") ==
          Ids{"summary", "cmdline", "modules", "network", "clock", "storage"});
    // A 9p share needs no network.
    CHECK(wanted_ids("b2c.filesystem=share,type=9p,src=tag b2c.cache_device=share") ==
          Ids{"summary", "cmdline", "modules", "storage", "network"});
    // A host name the extra options changed is set again.
    Boot boot;
    boot.config = b2c::cmdline::parse_config("b2c.hostname=changed");
    boot.host_name_set = "boot2container";
    bool identity = false;
    for (const auto& phase : boot_phases())
        identity = identity || (phase.id == "identity" && phase.wanted(boot));
    CHECK(identity);
}

TEST_CASE("only the command line, the network and the extra options are fatal")
{
    std::vector<std::string> fatal;
    for (const auto& phase : boot_phases())
        if (phase.fatal_because)
            fatal.emplace_back(phase.id);
    CHECK(fatal == std::vector<std::string>{"cmdline", "network", "extra_args"});
}

namespace {

std::vector<ReadIn> done_before_extra_args(const std::string& cmdline)
{
    Boot boot;
    boot.config = b2c::cmdline::parse_config(cmdline);
    return read_before("extra_args", boot);
}

bool among(const std::vector<ReadIn>& done, ReadIn phase)
{
    return std::find(done.begin(), done.end(), phase) != done.end();
}

}  // namespace

TEST_CASE("an extra-args file comes too late for what the phases before it read")
{
    // Only what fetches the file: the modules and the network. The clock
    // too when the command line names the peer (it was set from it).
    auto done = done_before_extra_args("b2c.extra_args_url=http://h/x");
    for (auto phase : {ReadIn::modules, ReadIn::network, ReadIn::extra_args})
        CHECK(among(done, phase));
    for (auto phase :
         {ReadIn::storage, ReadIn::clock, ReadIn::identity, ReadIn::keymap, ReadIn::pipeline, ReadIn::shutdown})
        CHECK_FALSE(among(done, phase));
    CHECK(among(done_before_extra_args("b2c.extra_args_url=http://h/x b2c.ntp_peer=h"), ReadIn::clock));
    CHECK_FALSE(among(done, ReadIn::proxy));

    // The merge: the file's late options are taken, its early ones left out
    // with a warning each, and what the early phases used stays as it was.
    auto config = b2c::cmdline::with_extra_args(
        "b2c.iface=eth0,dhcp b2c.run=first b2c.hostname=a",
        "b2c.run=second\nb2c.iface=eth1,dhcp b2c.hostname=b b2c.cache_device=auto ip=dhcp b2c.keymap=fr "
        "b2c.ntp_peer=h b2c.insmods=x",
        done);
    CHECK_FALSE(config.has_errors());
    REQUIRE(config.pipeline.runs.size() == 2);
    CHECK(config.pipeline.runs[1].text == "second");
    REQUIRE(config.network.interfaces.size() == 1);
    CHECK(config.network.interfaces[0].name == "eth0");
    // The cache and the clock: taken from the file, their phases still to come.
    CHECK(config.storage.cache.kind == b2c::cmdline::CacheDevice::Kind::automatic);
    CHECK(config.network.ntp_peer == "h");
    CHECK(config.machine.insmods.empty());
    CHECK_FALSE(config.network.kernel_configured);
    CHECK(config.network.hostname == "b");
    CHECK(config.machine.keymap == "fr");
    std::vector<std::string> late;
    for (const auto& d : config.diagnostics)
        if (d.message.find("comes too late") != std::string::npos)
            late.push_back(d.option);
    CHECK(late == std::vector<std::string>{"b2c.iface", "ip", "b2c.insmods"});
}
