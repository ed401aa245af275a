// The typed configuration of a boot: every b2c option of the kernel command
// line (docs/cmdline.md), parsed and validated. The command line becomes a
// Config; every phase reads it, none changes it. The boot replaces it once,
// by with_extra_args(), when b2c.extra_args_url brings more options.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmdline/kernel_cmdline.h"

namespace b2c::cmdline {

struct Ipv4Address {
    std::uint32_t host_order = 0;  // 10.0.2.15 is 0x0A00020F
    std::string str() const;
    bool operator==(const Ipv4Address&) const = default;
};

struct Ipv4Cidr {
    Ipv4Address address;
    int prefix_length = 32;
    std::string str() const;  // "10.0.2.15/24"
    bool operator==(const Ipv4Cidr&) const = default;
};

struct Route {
    Ipv4Cidr destination;  // "NET/LEN"
    Ipv4Address gateway;
    bool operator==(const Route&) const = default;
};

// b2c.run / b2c.run_service / b2c.run_post, and the pods of b2c.kube /
// b2c.kube_service, which take the same places in the pipeline.
struct ContainerSpec {
    std::vector<std::string> args;  // podman run arguments, split shell-style (a pod: podman kube play's options)
    std::string text;               // the value as written, for logs and B2C_PIPELINE_FAILED_BY
    std::string kube_url{};         // a pod: where its Kubernetes YAML is (http://, https://, file:///)
    bool is_pod() const { return !kube_url.empty(); }
};

// b2c.login=REGISTRY,username=USER,password=PASS[,tls_verify=false]
struct RegistryLogin {
    std::string registry;
    std::string username;
    std::string password;    // secret: never logged
    bool tls_verify = true;  // extension: log in to a plain-HTTP registry
};

// b2c.iface=NAME,...
struct InterfaceConfig {
    std::string name;
    bool dhcp = false;                     // `dhcp` or `auto`
    std::optional<Ipv4Cidr> address;       // `address=CIDR`
    std::optional<Ipv4Address> gateway;    // `gateway=IP`
    std::vector<Route> routes;             // `route=NET/LEN:GW`, repeatable
    std::vector<Ipv4Address> nameservers;  // `nameserver=IP`, repeatable
    bool forward = false;                  // `forward`
};

// What a WireGuard key is: the base 64 of 32 bytes (Curve25519, or the
// preshared key's).
inline constexpr std::size_t wireguard_key_bytes = 32;

// One peer= group of b2c.wireguard (the sub-options after it, until the next
// peer=, are its own).
struct WireguardPeer {
    std::string public_key;                    // base 64, as written
    std::optional<std::string> preshared_key;  // `preshared_key=`; secret
    std::optional<std::string> endpoint_host;  // `endpoint=HOST:PORT`: a name or an IPv4 address
    std::uint16_t endpoint_port = 0;
    std::vector<Ipv4Cidr> allowed_ips;    // `allowed_ips=CIDR;CIDR`, each routed through the tunnel
    std::uint16_t keepalive_seconds = 0;  // `keepalive=`; 0: off
};

// b2c.wireguard=IFACE,private_key=KEY,address=CIDR,peer=KEY,... (extension).
struct WireguardConfig {
    std::string name;
    std::string private_key;  // base 64, as written; secret
    Ipv4Cidr address;
    std::optional<std::uint16_t> listen_port;  // `listen_port=`; none: a port the kernel picks
    std::vector<WireguardPeer> peers;
    std::vector<Ipv4Cidr> routes;  // `route=NET/LEN`: more networks through the tunnel
};

// b2c.proxy="https=URL[,http=URL][,no_proxy=LIST]" (extension): the proxy
// of our own HTTP(S) traffic (podman's pulls, b2c.extra_args_url, b2c.kube,
// S3), not the containers'.
struct ProxyConfig {
    std::string https;                  // proxy of https:// URLs (secret user information); empty: direct
    std::string http;                   // proxy of http:// URLs; empty: direct
    std::vector<std::string> no_proxy;  // hosts, .domains, addresses reached directly
};

struct NetworkConfig {
    std::vector<InterfaceConfig> interfaces;  // empty: DHCP on every wired interface
    std::vector<WireguardConfig> wireguard;   // set up after the interfaces, before NTP
    bool kernel_configured = false;           // the kernel's `ip=` was given
    std::string hostname = "boot2container";
    std::optional<std::string> ntp_peer;  // none: no NTP; `auto` gives "pool.ntp.org"
    std::optional<std::string> extra_args_url;
    std::optional<ProxyConfig> proxy;
};

struct CacheDevice {
    enum class Kind { none, automatic, reset, device, filesystem };
    Kind kind = Kind::none;
    std::string name;  // the /dev path for `device`, the b2c.filesystem name for `filesystem`
};

// b2c.filesystem=NAME,src=SRC[,type=TYPE][,opts=A|B]
struct FilesystemConfig {
    std::string name;
    std::string source;
    std::string type;                  // empty: let the kernel/libmount probe
    std::vector<std::string> options;  // mount options, from `|`-separated opts=
};

// b2c.minio=ALIAS,URL,ACCESS_KEY,SECRET_KEY
struct S3Alias {
    std::string alias;
    std::string url;
    std::string access_key;  // secret
    std::string secret_key;  // secret
};

// ALIAS/BUCKET[/PREFIX]
struct S3Location {
    std::string alias;
    std::string bucket;
    std::string prefix;
};

// Conditions of pull_on= / push_on=, a bit set.
enum SyncCondition : unsigned {
    sync_pipeline_start = 1u << 0,
    sync_container_start = 1u << 1,
    sync_container_end = 1u << 2,
    sync_pipeline_end = 1u << 3,
    sync_changes = 1u << 4,
};

// What b2c.volume's fscrypt_key= decodes to (AES-256-XTS needs 64 bytes).
inline constexpr std::size_t fscrypt_key_bytes = 64;

// b2c.volume=NAME[,...]
struct VolumeConfig {
    std::string name;
    std::optional<std::string> filesystem;  // `filesystem=FSNAME`
    enum class Expiration { never, pipeline_end };
    Expiration expiration = Expiration::never;
    std::optional<std::string> fscrypt_key;  // base 64 of exactly 64 bytes; secret
    bool fscrypt_reset_key = false;
    std::optional<S3Location> pull_from;  // `pull_from=` or `mirror=`
    std::optional<S3Location> push_to;    // `push_to=` or `mirror=`
    unsigned pull_on = 0;                 // SyncCondition bits
    unsigned push_on = 0;
    bool overwrite = false;
    bool remove = false;
    std::vector<std::string> exclude;  // `exclude=GLOB`, repeatable
    bool preserve = false;
    std::optional<std::string> encrypt_key;  // SSE-C customer key; secret
};

struct StorageConfig {
    CacheDevice cache;
    std::optional<std::uint64_t> swap_bytes;  // b2c.swap=SIZE: a swap file on the cache
    std::string swap_device;                  // b2c.swap=/dev/X: a block device given to swap
    std::optional<unsigned> swappiness;       // b2c.swap=...,swappiness=N (0-200)
    std::vector<FilesystemConfig> filesystems;
    std::vector<VolumeConfig> volumes;
    std::vector<S3Alias> s3_aliases;
};

struct PipelineConfig {
    std::vector<ContainerSpec> runs;
    std::vector<ContainerSpec> services;
    std::vector<ContainerSpec> posts;
    bool pipefail = false;
    std::vector<RegistryLogin> logins;
    // Extension: a pull that receives nothing for this long is stopped (and
    // retried like any failed pull). b2c.pull_stall_timeout=SECONDS.
    std::chrono::seconds pull_stall_timeout{600};
};

struct MachineConfig {
    std::vector<std::string> insmods;   // module names, ".ko" removed
    std::optional<std::string> keymap;  // the console's keyboard layout
    std::chrono::seconds poweroff_delay{0};
    // {"sh", "-c", VALUE}: run with a shell and the B2C_PIPELINE_* variables.
    std::optional<std::vector<std::string>> shutdown_cmd;
    std::optional<std::vector<std::string>> reboot_cmd;
};

// The boot phase that reads an option (the option table's phase column): an
// option of the extra-args file whose phase has already run comes too late.
enum class ReadIn { modules, storage, network, clock, extra_args, proxy, identity, keymap, pipeline, shutdown };

// The phase that reads `option` (a b2c.* name, legacy names too, or the
// kernel's `ip`); nothing for an option we do not know.
std::optional<ReadIn> read_in(std::string_view option);

// A problem found while parsing, always naming the option it is about.
struct Diagnostic {
    enum class Severity { warning, error };
    Severity severity;
    std::string option;   // "b2c.iface", "b2c.volume", ...
    std::string message;  // the whole sentence, secrets already removed
};

struct Config {
    PipelineConfig pipeline;
    NetworkConfig network;
    StorageConfig storage;
    MachineConfig machine;
    std::vector<std::string> options_given;  // canonical b2c.* names, in order, once each
    std::vector<Diagnostic> diagnostics;
    // What cmdline/secrets.h finds in the raw values, parsed or not.
    std::vector<std::string> secrets_on_command_line;

    bool has_errors() const;
    // Every secret of this configuration (passwords, keys), for log redaction.
    std::vector<std::string> secrets() const;
};

// Parses every b2c.* parameter (and notes the kernel's `ip=`); other
// parameters are ignored. Never throws for a bad value: each problem becomes
// a Diagnostic naming the option, the value and what was expected.
Config parse_config(const std::vector<Param>& params);

// Tokenizes then parses. A syntax error of the whole line becomes an error
// Diagnostic (naming the option it is in) in an otherwise empty Config.
Config parse_config(std::string_view kernel_cmdline);

// The configuration of `kernel_cmdline` followed by the options of an
// extra-args file (b2c.extra_args_url: the command line's syntax over many
// lines, `#` comment lines: without_comment_lines(); newlines
// count as spaces), parsed once. Options read by the phases in `done` are
// left out of the file's, each with a warning that it came too late; what
// those phases used therefore stays as the command line said.
Config with_extra_args(std::string_view kernel_cmdline, std::string_view extra, const std::vector<ReadIn>& done);

// Logs every diagnostic: errors as errors, warnings as warnings.
void log_diagnostics(const Config& config);

// Human-readable dump of the configuration (secrets shown as ***), for the
// boot log and `b2c-init --dry-run`.
std::string describe(const Config& config);

// Strict parsers, shared with the tools. Each throws std::invalid_argument
// with a message saying what was expected.
Ipv4Address parse_ipv4(std::string_view text);
Ipv4Cidr parse_cidr(std::string_view text);
std::uint64_t parse_size(std::string_view text);  // "512M", "8G", "1024" (bytes), K/M/G/T powers of 1024

}  // namespace b2c::cmdline
