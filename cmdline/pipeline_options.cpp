// b2c.run, b2c.run_service, b2c.run_post, b2c.pipefail, b2c.login.
#include <fmt/format.h>

#include "cmdline/option_parsing.h"

namespace b2c::cmdline::detail {

void parse_container(std::string_view option, std::string_view value, std::vector<ContainerSpec>& out, Reporter& report)
{
    try {
        auto args = split_shell_words(value);
        if (args.empty()) {
            report.error(fmt::format("empty value (expected podman run arguments, e.g. {}=\"-ti alpine\")", option));
            return;
        }
        out.push_back({std::move(args), std::string(value)});
    } catch (const SyntaxError& e) {
        report.error(fmt::format("{} (expected podman run arguments with shell quoting)", e.what()));
    }
}

namespace {

// A pod's YAML comes from a web server or from a file the machine has (a
// b2c.filesystem's mount point, a volume's directory): file:///ABSOLUTE/PATH.
bool is_pod_url(std::string_view url)
{
    for (std::string_view scheme : {"http://", "https://"})
        if (url.starts_with(scheme) && url.size() > scheme.size())
            return true;
    return url.starts_with("file:///") && url.size() > 8;
}

}  // namespace

void parse_pod(std::string_view option, std::string_view value, std::vector<ContainerSpec>& out, Reporter& report)
{
    const auto expected = fmt::format("expected {}=\"[PODMAN KUBE PLAY OPTIONS] URL\" with an http://, https:// or "
                                      "file:/// URL, e.g. {}=\"--tls-verify=false http://10.0.0.1/pod.yaml\"",
                                      option, option);
    std::vector<std::string> words;
    try {
        words = split_shell_words(value);
    } catch (const SyntaxError& e) {
        report.error(fmt::format("{} ({})", e.what(), expected));
        return;
    }
    if (words.empty()) {
        report.error(fmt::format("empty value ({})", expected));
        return;
    }
    auto url = words.back();
    words.pop_back();
    if (!is_pod_url(url)) {
        report.error(fmt::format("'{}' is not the URL of a pod's YAML ({})", url, expected));
        return;
    }
    out.push_back({std::move(words), std::string(value), std::move(url)});
}

void parse_pipefail(std::string_view value, Config& config, Reporter& report)
{
    if (value.empty() || value == "1" || value == "true" || value == "yes" || value == "on")
        config.pipeline.pipefail = true;
    else if (value == "0" || value == "false" || value == "no" || value == "off")
        config.pipeline.pipefail = false;
    else
        report.error(fmt::format("{} is not a boolean (expected b2c.pipefail alone, or =true/=false)", value));
}

void parse_login(std::string_view value, Config& config, Reporter& report)
{
    auto sub = parse_sub_options(value);
    RegistryLogin login{sub.head, {}, {}, true};
    bool ok = true;
    bool has_username = false;
    bool has_password = false;
    SubOptionWalker walker(report, "username=, password=, tls_verify=");
    for (const auto& item : sub.items) {
        if (item.key == "username") {
            if (walker.needs_value(item, ok)) {
                login.username = *item.value;
                has_username = true;
            }
        } else if (item.key == "password") {
            if (item.value) {  // an empty password is legitimate
                login.password = *item.value;
                has_password = true;
            } else {
                report.error("password= needs a value");
                ok = false;
            }
        } else if (item.key == "tls_verify") {
            if (item.value == "true" || item.value == "1") {
                login.tls_verify = true;
            } else if (item.value == "false" || item.value == "0") {
                login.tls_verify = false;
            } else {
                report.error(
                    fmt::format("tls_verify={} is not a boolean (expected tls_verify=true or tls_verify=false)",
                                item.value.value_or("")));
                ok = false;
            }
        } else {
            walker.unknown(item);
            continue;
        }
        walker.after(item, item.key == "password");
    }
    // The first field may be a misplaced `password=...`: never echo one with '='.
    if (login.registry.find('=') != std::string::npos) {
        report.error("the first field must be the registry (expected b2c.login=REGISTRY,username=USER,"
                     "password=PASS, e.g. docker.io)");
        ok = false;
    } else if (login.registry.empty() || login.registry.find_first_of(" \t") != std::string::npos) {
        report.error(fmt::format("'{}' is not a registry (expected b2c.login=REGISTRY,username=USER,password=PASS, "
                                 "e.g. docker.io)",
                                 login.registry));
        ok = false;
    }
    if (!has_username || !has_password) {
        bool named = login.registry.find('=') == std::string::npos;
        report.error(fmt::format("login to {} misses {} (expected b2c.login=REGISTRY,username=USER,password=PASS)",
                                 named ? login.registry : "?", !has_username ? "username=" : "password="));
        ok = false;
    }
    if (ok)
        config.pipeline.logins.push_back(std::move(login));
}

}  // namespace b2c::cmdline::detail

namespace b2c::cmdline::detail {

void parse_pull_stall_timeout(std::string_view value, Config& config, Reporter& report)
{
    if (auto seconds = seconds_value(value, 10, 24 * 3600, "b2c.pull_stall_timeout=600", report))
        config.pipeline.pull_stall_timeout = *seconds;
}

}  // namespace b2c::cmdline::detail
