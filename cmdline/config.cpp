// parse_config(): the table of b2c options and the rules common to all.
//
// Decisions a user should know about (cmdline.md leaves them open):
// * An entry with an error (a b2c.iface with a bad address, a b2c.volume
//   naming an undeclared file system, ...) is left out of the Config; the
//   error Diagnostic says why. A bad value of a single-valued option leaves
//   the previous (or default) value in place.
// * Single-valued options given twice: the last valid one wins, with a warning.
// * Legacy names (b2c.container, b2c.service, b2c.post_container) are
//   accepted silently as b2c.run, b2c.run_service, b2c.run_post.
// * `ip=off` / `ip=none` do not count as a kernel-configured network.
// * b2c.iface: `dhcp` and `address=` together is an error, as is the same
//   interface twice. Route destinations must have no host bits set.
// * b2c.hostname: at most 64 characters (Linux's limit), labels 1-63 of
//   [A-Za-z0-9-]. b2c.swap=0 means no swap. b2c.pipefail accepts =true/=false.
// * Secrets cut by an unquoted comma (`password=a,b`) are not echoed: the
//   unknown-sub-option warning does not show what follows a secret. Every
//   message is also scrubbed of its option's secrets as cmdline/secrets.h
//   finds them in the raw value, whether or not the option parses.
// * b2c.volume: pull_on=/push_on= without a location is an error; a location
//   without its *_on= is a warning (nothing would ever be synced).
#include <algorithm>
#include <array>
#include <functional>
#include <unordered_set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cmdline/config.h"
#include "cmdline/option_parsing.h"
#include "cmdline/secrets.h"
#include "common/text.h"

namespace b2c::cmdline {
namespace {

using detail::Reporter;

struct OptionSpec {
    std::string_view name;
    std::string_view legacy_name;
    ReadIn read_in;  // the boot phase that reads it
    bool repeatable;
    bool flag;                  // may be given without a value
    std::string_view expected;  // the syntax, for "needs a value"
    std::function<void(std::string_view, Config&, Reporter&)> parse;
};

const std::vector<OptionSpec>& option_table()
{
    using namespace detail;
    static const std::vector<OptionSpec> table{
        {"b2c.run", "b2c.container", ReadIn::pipeline, true, false, "b2c.run=\"PODMAN RUN ARGUMENTS\"",
         [](auto value, auto& config, auto& report) {
             parse_container("b2c.run", value, config.pipeline.runs, report);
         }},
        {"b2c.run_service", "b2c.service", ReadIn::pipeline, true, false, "b2c.run_service=\"PODMAN RUN ARGUMENTS\"",
         [](auto value, auto& config, auto& report) {
             parse_container("b2c.run_service", value, config.pipeline.services, report);
         }},
        {"b2c.run_post", "b2c.post_container", ReadIn::pipeline, true, false, "b2c.run_post=\"PODMAN RUN ARGUMENTS\"",
         [](auto value, auto& config, auto& report) {
             parse_container("b2c.run_post", value, config.pipeline.posts, report);
         }},
        {"b2c.kube", "", ReadIn::pipeline, true, false, "b2c.kube=\"[PODMAN KUBE PLAY OPTIONS] URL\"",
         [](auto value, auto& config, auto& report) { parse_pod("b2c.kube", value, config.pipeline.runs, report); }},
        {"b2c.kube_service", "", ReadIn::pipeline, true, false, "b2c.kube_service=\"[PODMAN KUBE PLAY OPTIONS] URL\"",
         [](auto value, auto& config, auto& report) {
             parse_pod("b2c.kube_service", value, config.pipeline.services, report);
         }},
        {"b2c.pipefail", "", ReadIn::pipeline, false, true, "b2c.pipefail", parse_pipefail},
        {"b2c.login", "", ReadIn::pipeline, true, false, "b2c.login=REGISTRY,username=USER,password=PASS", parse_login},
        {"b2c.pull_stall_timeout", "", ReadIn::pipeline, false, false, "b2c.pull_stall_timeout=SECONDS",
         parse_pull_stall_timeout},
        {"b2c.iface", "", ReadIn::network, true, false, "b2c.iface=NAME,dhcp or b2c.iface=NAME,address=A.B.C.D/N",
         parse_iface},
        {"b2c.wireguard", "", ReadIn::network, true, false,
         "b2c.wireguard=IFACE,private_key=KEY,address=A.B.C.D/N,peer=KEY[,endpoint=HOST:PORT]"
         "[,allowed_ips=CIDR;CIDR][,keepalive=SECONDS]",
         parse_wireguard},
        {"b2c.hostname", "", ReadIn::identity, false, false, "b2c.hostname=NAME", parse_hostname},
        {"b2c.ntp_peer", "", ReadIn::clock, false, false, "b2c.ntp_peer=none|auto|HOST", parse_ntp_peer},
        {"b2c.keymap", "", ReadIn::keymap, false, false, "b2c.keymap=NAME", parse_keymap},
        {"b2c.extra_args_url", "", ReadIn::extra_args, false, false, "b2c.extra_args_url=URL", parse_extra_args_url},
        {"b2c.proxy", "", ReadIn::proxy, false, false, "b2c.proxy=\"https=URL[,http=URL][,no_proxy=LIST]\"",
         parse_proxy},
        {"b2c.cache_device", "", ReadIn::storage, false, false, "b2c.cache_device=none|auto|reset|/dev/NAME|FSNAME",
         parse_cache_device},
        {"b2c.swap", "", ReadIn::storage, false, false, "b2c.swap=SIZE|/dev/NAME[,swappiness=N]", parse_swap},
        {"b2c.filesystem", "", ReadIn::pipeline, true, false, "b2c.filesystem=NAME,src=SOURCE[,type=TYPE][,opts=A|B]",
         parse_filesystem},
        {"b2c.volume", "", ReadIn::pipeline, true, false, "b2c.volume=NAME[,...]", parse_volume},
        {"b2c.minio", "", ReadIn::pipeline, true, false, "b2c.minio=ALIAS,URL,ACCESS_KEY,SECRET_KEY", parse_minio},
        {"b2c.insmods", "", ReadIn::modules, false, false, "b2c.insmods=A.ko,B.ko", parse_insmods},
        {"b2c.poweroff_delay", "", ReadIn::shutdown, false, false, "b2c.poweroff_delay=SECONDS", parse_poweroff_delay},
        {"b2c.shutdown_cmd", "", ReadIn::shutdown, false, false, "b2c.shutdown_cmd=COMMAND", parse_shutdown_cmd},
        {"b2c.reboot_cmd", "", ReadIn::shutdown, false, false, "b2c.reboot_cmd=COMMAND", parse_reboot_cmd},
    };
    return table;
}

const OptionSpec* find_option(std::string_view name)
{
    for (const auto& spec : option_table())
        if (spec.name == name || spec.legacy_name == name)
            return &spec;
    return nullptr;
}

void report_unknown(std::string_view name, Config& config)
{
    std::string hint;
    for (const auto& spec : option_table())
        if (within_edit_distance(name, spec.name, 2))
            hint = fmt::format(" (did you mean {}?)", spec.name);
    config.diagnostics.push_back(
        {Diagnostic::Severity::warning, std::string(name), fmt::format("unknown option {} ignored{}", name, hint)});
}

}  // namespace

bool Config::has_errors() const
{
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const auto& d) { return d.severity == Diagnostic::Severity::error; });
}

std::vector<std::string> Config::secrets() const
{
    std::vector<std::string> found;
    std::unordered_set<std::string_view> seen;
    auto add = [&](const std::string& secret) {
        if (!secret.empty() && seen.insert(secret).second)
            found.push_back(secret);
    };
    for (const auto& login : pipeline.logins)
        add(login.password);
    for (const auto& s3 : storage.s3_aliases) {
        add(s3.access_key);
        add(s3.secret_key);
    }
    for (const auto& volume : storage.volumes) {
        if (volume.fscrypt_key)
            add(*volume.fscrypt_key);
        if (volume.encrypt_key)
            add(*volume.encrypt_key);
    }
    for (const auto& tunnel : network.wireguard) {
        add(tunnel.private_key);
        for (const auto& peer : tunnel.peers)
            if (peer.preshared_key)
                add(*peer.preshared_key);
    }
    for (const auto& secret : secrets_on_command_line)
        add(secret);
    return found;
}

Config parse_config(const std::vector<Param>& params)
{
    Config config;
    std::unordered_set<std::string> raw_secrets;
    for (const auto& param : params) {
        if (param.name == "ip") {
            config.network.kernel_configured = param.value && *param.value != "off" && *param.value != "none";
            continue;
        }
        // Secrets are taken from the raw value, before any parsing: an
        // option with an error must hide them like any other.
        std::vector<std::string> secrets;
        if (param.value)
            secrets = secrets_in_value(param.name, *param.value);
        for (const auto& secret : secrets)
            if (raw_secrets.insert(secret).second)
                config.secrets_on_command_line.push_back(secret);
        if (!param.name.starts_with("b2c."))
            continue;
        const OptionSpec* spec = find_option(param.name);
        if (!spec) {
            report_unknown(param.name, config);
            continue;
        }
        Reporter report(config.diagnostics, spec->name, std::move(secrets));
        auto& given = config.options_given;
        bool again = std::find(given.begin(), given.end(), spec->name) != given.end();
        if (!again)
            given.emplace_back(spec->name);
        else if (!spec->repeatable)
            report.warning("given more than once, the last one wins");
        if (!param.value && !spec->flag) {
            report.error(fmt::format("needs a value (expected {})", spec->expected));
            continue;
        }
        spec->parse(param.value.value_or(""), config, report);
    }
    detail::check_declared_once(config);
    detail::check_storage_references(config);
    return config;
}

std::optional<ReadIn> read_in(std::string_view option)
{
    if (option == "ip")
        return ReadIn::network;  // the kernel's own, which the network phase reads
    if (const auto* spec = find_option(option))
        return spec->read_in;
    return std::nullopt;
}

Config with_extra_args(std::string_view kernel_cmdline, std::string_view extra, const std::vector<ReadIn>& done)
{
    std::vector<Param> params;
    std::vector<std::string> too_late;
    auto file = without_comment_lines(extra);
    try {
        params = tokenize_kernel_cmdline(kernel_cmdline);
        for (auto& param : tokenize_kernel_cmdline(file)) {
            auto phase = read_in(param.name);
            if (phase && std::find(done.begin(), done.end(), *phase) != done.end())
                too_late.push_back(param.name);
            else
                params.push_back(std::move(param));
        }
    } catch (const SyntaxError&) {
        return parse_config(fmt::format("{}\n{}", kernel_cmdline, file));  // says where it broke
    }
    auto config = parse_config(params);
    for (const auto& name : too_late)
        config.diagnostics.push_back(
            {Diagnostic::Severity::warning, name,
             fmt::format("{} from b2c.extra_args_url comes too late to take effect (its phase has run): put it on "
                         "the kernel command line",
                         name)});
    return config;
}

void log_diagnostics(const Config& config)
{
    for (const auto& d : config.diagnostics) {
        if (d.severity == Diagnostic::Severity::error)
            spdlog::error("{}", d.message);
        else
            spdlog::warn("{}", d.message);
    }
}

Config parse_config(std::string_view kernel_cmdline)
{
    try {
        return parse_config(tokenize_kernel_cmdline(kernel_cmdline));
    } catch (const SyntaxError& e) {
        Config config;
        config.diagnostics.push_back(
            {Diagnostic::Severity::error, e.parameter().empty() ? "command line" : e.parameter(), printable(e.what())});
        config.secrets_on_command_line = find_secrets(kernel_cmdline);
        return config;
    }
}

}  // namespace b2c::cmdline
