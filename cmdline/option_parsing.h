// Private to cmdline/: what the per-family option parsers share.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmdline/config.h"

namespace b2c::cmdline::detail {

// Adds Diagnostics about one option; every message starts with "OPTION: ",
// has the option's secrets masked, its control characters escaped and its
// long words cut (a value may be 100 KB of anything).
class Reporter {
public:
    Reporter(std::vector<Diagnostic>& out, std::string_view option, std::vector<std::string> secrets = {});
    void warning(std::string_view text);
    void error(std::string_view text);
    const std::string& option() const { return option_; }

private:
    void add(Diagnostic::Severity severity, std::string_view text);
    std::vector<Diagnostic>& out_;
    std::string option_;
    std::vector<std::string> secrets_;
};

// "NAME,key=value,flag" split at the commas that are outside double quotes.
struct SubOption {
    std::string key;
    std::optional<std::string> value;  // double quotes around it removed
};
struct SubOptions {
    std::string head;  // NAME
    std::vector<SubOption> items;
};
SubOptions parse_sub_options(std::string_view value);

std::vector<std::string> split_outside_quotes(std::string_view text, char separator);
// `"x"` gives `x`; anything else is returned as it is.
std::string strip_quotes(std::string_view text);

// Sub-options of one option, in order; knows which keys are secrets so an
// unknown item that follows one (a secret cut at an unquoted comma) is not echoed.
class SubOptionWalker {
public:
    SubOptionWalker(Reporter& report, std::string expected_keys);
    // Reports an unknown sub-option (a warning).
    void unknown(const SubOption& item);
    // Reports `key` given with / without a value when it should not be (an error).
    bool needs_value(const SubOption& item, bool& ok);
    bool is_flag(const SubOption& item, bool& ok);
    void after(const SubOption& item, bool secret) { previous_secret_ = secret ? item.key : ""; }

private:
    Reporter& report_;
    std::string expected_keys_;
    std::string previous_secret_;
};

// What a NET/LEN with host bits set (10.42.1.1/16) should have been
// (10.42.0.0/16); nullopt when it has none.
std::optional<Ipv4Cidr> without_host_bits_if_set(const Ipv4Cidr& network);

bool is_valid_hostname(std::string_view name);
bool is_http_url(std::string_view url);
// Letters, digits and the given punctuation, not empty.
bool is_simple_name(std::string_view name, std::string_view punctuation);

// The per-family parsers, called once per occurrence of their option.
void parse_container(std::string_view option, std::string_view value, std::vector<ContainerSpec>& out,
                     Reporter& report);
// b2c.kube / b2c.kube_service: "[PODMAN KUBE PLAY OPTIONS] URL".
void parse_pod(std::string_view option, std::string_view value, std::vector<ContainerSpec>& out, Reporter& report);
void parse_pipefail(std::string_view value, Config& config, Reporter& report);
void parse_login(std::string_view value, Config& config, Reporter& report);
void parse_pull_stall_timeout(std::string_view value, Config& config, Reporter& report);
// A whole number of seconds in [min, max]; nullopt (after an error naming
// what was expected) otherwise.
std::optional<std::chrono::seconds> seconds_value(std::string_view value, long long min, long long max,
                                                  std::string_view example, Reporter& report);

void parse_iface(std::string_view value, Config& config, Reporter& report);
void parse_wireguard(std::string_view value, Config& config, Reporter& report);
void parse_hostname(std::string_view value, Config& config, Reporter& report);
void parse_ntp_peer(std::string_view value, Config& config, Reporter& report);
void parse_keymap(std::string_view value, Config& config, Reporter& report);
void parse_extra_args_url(std::string_view value, Config& config, Reporter& report);
void parse_proxy(std::string_view value, Config& config, Reporter& report);

void parse_cache_device(std::string_view value, Config& config, Reporter& report);
void parse_swap(std::string_view value, Config& config, Reporter& report);
void parse_filesystem(std::string_view value, Config& config, Reporter& report);
void parse_minio(std::string_view value, Config& config, Reporter& report);
void parse_volume(std::string_view value, Config& config, Reporter& report);
// After every option is read: a name declared twice (b2c.volume,
// b2c.filesystem, b2c.minio) is an error and its later entries are left
// out; names that point to other options must exist.
void check_declared_once(Config& config);
void check_storage_references(Config& config);

void parse_insmods(std::string_view value, Config& config, Reporter& report);
void parse_poweroff_delay(std::string_view value, Config& config, Reporter& report);
void parse_shutdown_cmd(std::string_view value, Config& config, Reporter& report);
void parse_reboot_cmd(std::string_view value, Config& config, Reporter& report);

}  // namespace b2c::cmdline::detail
