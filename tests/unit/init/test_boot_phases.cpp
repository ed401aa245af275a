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
    for (const auto& phase : boot_phases())
        if (phase.wanted(boot))
            ids.emplace_back(phase.id);
    return ids;
}

}  // namespace

TEST_CASE("the phases run in the contract's order, each when it is wanted")
{
    using Ids = std::vector<std::string>;
    CHECK(wanted_ids("") == Ids{"summary", "cmdline", "modules", "storage", "network"});
    CHECK(wanted_ids("b2c.ntp_peer=auto b2c.extra_args_url=http://h/x b2c.keymap=fr") ==
          Ids{"summary", "cmdline", "modules", "storage", "network", "clock", "extra_args", "keymap"});
    // The proxy after the extra options, which may bring it.
    CHECK(wanted_ids("b2c.proxy=https=http://p:3128 b2c.extra_args_url=http://h/x") ==
          Ids{"summary", "cmdline", "modules", "storage", "network", "extra_args", "proxy"});
    // A cache on NFS needs the network first.
    CHECK(wanted_ids("b2c.filesystem=nfs,type=nfs,src=10.0.0.1:/c b2c.cache_device=nfs") ==
          Ids{"summary", "cmdline", "modules", "network", "storage"});
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

TEST_CASE("an extra-args file comes too late for what the phases before it read")
{
    auto done = read_before("extra_args");
    for (auto phase : {ReadIn::modules, ReadIn::storage, ReadIn::network, ReadIn::clock, ReadIn::extra_args})
        CHECK(std::find(done.begin(), done.end(), phase) != done.end());
    for (auto phase : {ReadIn::proxy, ReadIn::identity, ReadIn::keymap, ReadIn::pipeline, ReadIn::shutdown})
        CHECK(std::find(done.begin(), done.end(), phase) == done.end());

    // The merge: the file's late options are taken, its early ones left out
    // with a warning each, and what the early phases used stays as it was.
    auto config = b2c::cmdline::with_extra_args(
        "b2c.iface=eth0,dhcp b2c.run=first b2c.hostname=a",
        "b2c.run=second\nb2c.iface=eth1,dhcp b2c.hostname=b b2c.cache_device=auto ip=dhcp b2c.keymap=fr", done);
    CHECK_FALSE(config.has_errors());
    REQUIRE(config.pipeline.runs.size() == 2);
    CHECK(config.pipeline.runs[1].text == "second");
    REQUIRE(config.network.interfaces.size() == 1);
    CHECK(config.network.interfaces[0].name == "eth0");
    CHECK(config.storage.cache.kind == b2c::cmdline::CacheDevice::Kind::none);
    CHECK_FALSE(config.network.kernel_configured);
    CHECK(config.network.hostname == "b");
    CHECK(config.machine.keymap == "fr");
    std::vector<std::string> late;
    for (const auto& d : config.diagnostics)
        if (d.message.find("comes too late") != std::string::npos)
            late.push_back(d.option);
    CHECK(late == std::vector<std::string>{"b2c.iface", "b2c.cache_device", "ip"});
}
