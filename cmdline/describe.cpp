// describe(): the configuration as a person reads it, secrets as ***.
#include <utility>

#include <fmt/format.h>

#include "cmdline/config.h"
#include "cmdline/option_parsing.h"
#include "common/redaction.h"
#include "common/text.h"

namespace b2c::cmdline {
namespace {

constexpr std::string_view hidden = "***";

std::string conditions(unsigned bits)
{
    static constexpr std::pair<unsigned, std::string_view> names[] = {
        {sync_pipeline_start, "pipeline_start"},
        {sync_container_start, "container_start"},
        {sync_container_end, "container_end"},
        {sync_pipeline_end, "pipeline_end"},
        {sync_changes, "changes"},
    };
    std::vector<std::string> set;
    for (const auto& [bit, name] : names)
        if (bits & bit)
            set.emplace_back(name);
    return join(set, "|");
}

// https://user:pass@host/ shown as https://***@host/.
std::string without_user_information(std::string_view url)
{
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos)
        return std::string(url);
    auto at = url.find('@', scheme + 3);
    if (at == std::string_view::npos || url.find('/', scheme + 3) < at)
        return std::string(url);
    return fmt::format("{}{}{}", url.substr(0, scheme + 3), hidden, url.substr(at));
}

std::string location(const S3Location& where)
{
    return where.prefix.empty() ? fmt::format("{}/{}", where.alias, where.bucket)
                                : fmt::format("{}/{}/{}", where.alias, where.bucket, where.prefix);
}

void describe_pipeline(const PipelineConfig& pipeline, std::string& out)
{
    out += "pipeline:\n";
    if (pipeline.runs.empty() && pipeline.services.empty() && pipeline.posts.empty())
        out += "  no containers\n";
    for (const auto& spec : pipeline.services)
        out += fmt::format("  service{}: {}\n", spec.is_pod() ? " pod" : "", spec.text);
    for (const auto& spec : pipeline.runs)
        out += fmt::format("  run{}: {}\n", spec.is_pod() ? " pod" : "", spec.text);
    for (const auto& spec : pipeline.posts)
        out += fmt::format("  post: {}\n", spec.text);
    if (pipeline.pipefail)
        out += "  pipefail: stop at the first failed run\n";
    if (pipeline.pull_stall_timeout != PipelineConfig{}.pull_stall_timeout)
        out += fmt::format("  pulls stopped after {} s without progress\n", pipeline.pull_stall_timeout.count());
    for (const auto& login : pipeline.logins)
        out += fmt::format("  login: {} as {}, password {}{}\n", login.registry, login.username, hidden,
                           login.tls_verify ? "" : ", no TLS verification");
}

void describe_network(const NetworkConfig& network, std::string& out)
{
    out += "network:\n";
    if (network.kernel_configured)
        out += "  configured by the kernel (ip=)\n";
    else if (network.interfaces.empty())
        out += "  DHCP on every wired interface\n";
    for (const auto& iface : network.interfaces) {
        std::vector<std::string> parts;
        if (iface.dhcp)
            parts.emplace_back("dhcp");
        if (iface.address)
            parts.push_back("address " + iface.address->str());
        if (iface.gateway)
            parts.push_back("gateway " + iface.gateway->str());
        for (const auto& route : iface.routes)
            parts.push_back(fmt::format("route {} via {}", route.destination.str(), route.gateway.str()));
        for (const auto& server : iface.nameservers)
            parts.push_back("nameserver " + server.str());
        if (iface.forward)
            parts.emplace_back("forward");
        out += fmt::format("  interface {}: {}\n", iface.name, join(parts, ", "));
    }
    for (const auto& tunnel : network.wireguard) {
        out += fmt::format("  wireguard {}: address {}, private key {}{}\n", tunnel.name, tunnel.address.str(), hidden,
                           tunnel.listen_port ? fmt::format(", listening on port {}", *tunnel.listen_port) : "");
        for (const auto& peer : tunnel.peers) {
            std::vector<std::string> parts;
            if (peer.endpoint_host)
                parts.push_back(fmt::format("endpoint {}:{}", *peer.endpoint_host, peer.endpoint_port));
            std::vector<std::string> networks;
            for (const auto& network : peer.allowed_ips)
                networks.push_back(network.str());
            parts.push_back("allowed " + (networks.empty() ? std::string("nothing") : join(networks, " ")));
            if (peer.keepalive_seconds)
                parts.push_back(fmt::format("keepalive {} s", peer.keepalive_seconds));
            if (peer.preshared_key)
                parts.push_back(fmt::format("preshared key {}", hidden));
            out += fmt::format("    peer {}: {}\n", peer.public_key, join(parts, ", "));
        }
        for (const auto& route : tunnel.routes)
            out += fmt::format("    route {}\n", route.str());
    }
    if (network.hostname != NetworkConfig{}.hostname)
        out += fmt::format("  hostname: {}\n", network.hostname);
    if (network.ntp_peer)
        out += fmt::format("  ntp peer: {}\n", *network.ntp_peer);
    if (network.extra_args_url)
        out += fmt::format("  extra args from: {}\n", *network.extra_args_url);
    if (const auto& proxy = network.proxy) {
        auto through = [](const std::string& url) {
            return url.empty() ? std::string("directly") : "through " + without_user_information(url);
        };
        out +=
            fmt::format("  proxy: https:// {}, http:// {}{} (not for the containers)\n", through(proxy->https),
                        through(proxy->http), proxy->no_proxy.empty() ? "" : ", not for " + join(proxy->no_proxy, ","));
    }
}

std::string cache(const CacheDevice& cache)
{
    switch (cache.kind) {
    case CacheDevice::Kind::none: return "none (RAM only)";
    case CacheDevice::Kind::automatic: return "auto";
    case CacheDevice::Kind::reset: return "reset (auto, re-formatted)";
    case CacheDevice::Kind::device: return "device " + cache.name;
    case CacheDevice::Kind::filesystem: return "file system " + cache.name;
    }
    return "?";
}

std::string volume_line(const VolumeConfig& volume)
{
    std::vector<std::string> parts;
    if (volume.filesystem)
        parts.push_back("filesystem " + *volume.filesystem);
    if (volume.expiration == VolumeConfig::Expiration::pipeline_end)
        parts.emplace_back("expires at pipeline end");
    if (volume.fscrypt_key)
        parts.push_back(fmt::format("fscrypt key {}", hidden));
    if (volume.fscrypt_reset_key)
        parts.emplace_back("fscrypt reset key");
    if (volume.pull_from && volume.pull_on)
        parts.push_back(fmt::format("pull from {} on {}", location(*volume.pull_from), conditions(volume.pull_on)));
    if (volume.push_to && volume.push_on)
        parts.push_back(fmt::format("push to {} on {}", location(*volume.push_to), conditions(volume.push_on)));
    for (auto [set, name] : {std::pair{volume.overwrite, "overwrite"}, std::pair{volume.remove, "remove"},
                             std::pair{volume.preserve, "preserve"}})
        if (set)
            parts.emplace_back(name);
    for (const auto& glob : volume.exclude)
        parts.push_back("exclude " + glob);
    if (volume.encrypt_key)
        parts.push_back(fmt::format("encrypt key {}", hidden));
    return fmt::format("  volume {}{}{}\n", volume.name, parts.empty() ? "" : ": ", join(parts, ", "));
}

void describe_storage(const StorageConfig& storage, std::string& out)
{
    out += "storage:\n";
    out += fmt::format("  cache: {}\n", cache(storage.cache));
    const auto swappiness = storage.swappiness ? fmt::format(", swappiness {}", *storage.swappiness) : "";
    if (!storage.swap_device.empty())
        out += fmt::format("  swap: the device {}{}\n", storage.swap_device, swappiness);
    else if (storage.swap_bytes)
        out += fmt::format("  swap: {} bytes in a file on the cache{}\n", *storage.swap_bytes, swappiness);
    else if (storage.swappiness)
        out += fmt::format("  swap: none{}\n", swappiness);
    for (const auto& fs : storage.filesystems)
        out +=
            fmt::format("  filesystem {}: src {}{}{}\n", fs.name, fs.source, fs.type.empty() ? "" : ", type " + fs.type,
                        fs.options.empty() ? "" : ", opts " + join(fs.options, "|"));
    for (const auto& s3 : storage.s3_aliases)
        out += fmt::format("  minio {}: {}, keys {}\n", s3.alias, without_user_information(s3.url), hidden);
    for (const auto& volume : storage.volumes)
        out += volume_line(volume);
}

void describe_machine(const MachineConfig& machine, std::string& out)
{
    std::string lines;
    if (!machine.insmods.empty())
        lines += fmt::format("  modules: {}\n", join(machine.insmods, ", "));
    if (machine.keymap)
        lines += fmt::format("  keymap: {}\n", *machine.keymap);
    if (machine.poweroff_delay.count())
        lines += fmt::format("  poweroff delay: {} s\n", machine.poweroff_delay.count());
    // As written: the parser made it {"sh", "-c", VALUE}.
    for (const auto& [what, command] :
         {std::pair{"shutdown", &machine.shutdown_cmd}, std::pair{"reboot", &machine.reboot_cmd}})
        if (*command && !(*command)->empty())
            lines += fmt::format("  {} command: {} (with sh -c)\n", what, (*command)->back());
    out += "machine:\n" + (lines.empty() ? std::string("  defaults\n") : lines);
}

}  // namespace

std::string describe(const Config& config)
{
    std::string out;
    describe_pipeline(config.pipeline, out);
    describe_network(config.network, out);
    describe_storage(config.storage, out);
    describe_machine(config.machine, out);
    return redact(out, config.secrets());
}

}  // namespace b2c::cmdline
