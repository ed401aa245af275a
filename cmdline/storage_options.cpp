// b2c.cache_device, b2c.swap, b2c.filesystem, b2c.minio, and the checks of
// the names that b2c.volume and b2c.cache_device point to.
#include <algorithm>
#include <stdexcept>
#include <unordered_set>

#include <fmt/format.h>

#include "cmdline/option_parsing.h"
#include "common/text.h"

namespace b2c::cmdline::detail {
namespace {

// The swap header counts pages in 32 bits: 2^32 pages of 4 KiB.
constexpr std::uint64_t max_swap_bytes = 16ull << 40;

// /dev/NAME[/NAME...]: no empty, "." or ".." part, nothing a shell or a
// console would read differently.
bool is_device_path(std::string_view path)
{
    auto parts = split(path.substr(5), '/');
    return std::all_of(parts.begin(), parts.end(), [](const std::string& part) {
        return part != "." && part != ".." && is_simple_name(part, "-_.:+@");
    });
}

// ext4, nfs4, 9p, fuse.sshfs: the kernel's names, also used for "fs-TYPE" modules.
bool is_filesystem_type(std::string_view type)
{
    return is_simple_name(type, "_.") && type.front() != '.' && type.find("..") == std::string_view::npos;
}

bool is_size(std::string_view text)
{
    try {
        parse_size(text);
        return true;
    } catch (const std::invalid_argument&) {
        return false;
    }
}

}  // namespace

void parse_cache_device(std::string_view value, Config& config, Reporter& report)
{
    using Kind = CacheDevice::Kind;
    auto& cache = config.storage.cache;
    if (value == "none")
        cache = {Kind::none, ""};
    else if (value == "auto")
        cache = {Kind::automatic, ""};
    else if (value == "reset")
        cache = {Kind::reset, ""};
    else if (value.starts_with("/dev/") && is_device_path(value))
        cache = {Kind::device, std::string(value)};
    else if (is_simple_name(value, "-_."))
        cache = {Kind::filesystem, std::string(value)};  // checked once every b2c.filesystem is known
    else
        report.error(fmt::format("'{}' is not a cache device (expected none, auto, reset, /dev/NAME or the "
                                 "name of a b2c.filesystem)",
                                 value));
}

// b2c.swap=SIZE|/dev/NAME[,swappiness=N]: all or nothing (an error leaves
// the earlier b2c.swap as it was).
void parse_swap(std::string_view value, Config& config, Reporter& report)
{
    constexpr const char* forms = "b2c.swap=SIZE or b2c.swap=/dev/NAME, then optionally ,swappiness=N";
    auto sub = parse_sub_options(value);
    if (sub.head.empty()) {
        report.error(fmt::format("no size or device given (expected {}, e.g. b2c.swap=8G,swappiness=60)", forms));
        return;
    }
    bool ok = true;
    std::optional<std::uint64_t> bytes;
    std::string device;
    if (sub.head.starts_with("/dev/")) {
        if (is_device_path(sub.head))
            device = sub.head;
        else {
            report.error(fmt::format("'{}' is not a block device path (expected /dev/NAME, e.g. /dev/nbd1)", sub.head));
            ok = false;
        }
    } else {
        try {
            bytes = parse_size(sub.head);
            if (*bytes > max_swap_bytes) {
                report.error(fmt::format("'{}' is too big (a swap file holds at most 16T)", sub.head));
                ok = false;
            }
        } catch (const std::invalid_argument&) {
            report.error(fmt::format("'{}' is not a size (expected a number with an optional unit K, M, G or T, "
                                     "e.g. b2c.swap=8G, or a block device /dev/NAME)",
                                     sub.head));
            ok = false;
        }
    }
    std::optional<unsigned> swappiness;
    SubOptionWalker walker(report, "swappiness=");
    for (const auto& item : sub.items) {
        if (item.key == "swappiness") {
            if (!walker.needs_value(item, ok))
                continue;
            const auto& text = *item.value;
            const bool digits =
                text.size() <= 3 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (digits && std::stoul(text) <= 200) {
                swappiness = static_cast<unsigned>(std::stoul(text));
            } else {
                report.error(fmt::format("swappiness={} is not a whole number from 0 to 200 (the kernel's range; "
                                         "60 is its default)",
                                         text));
                ok = false;
            }
        } else if (!item.value && (item.key.starts_with("/dev/") || is_size(item.key))) {
            // "8G,8G", "8G,/dev/vdb": a second swap where one is allowed.
            report.error(
                fmt::format("'{}' after '{}': one size or one device only (expected {})", item.key, sub.head, forms));
            ok = false;
        } else {
            walker.unknown(item);
        }
    }
    if (!ok)
        return;
    auto& storage = config.storage;
    storage.swap_bytes.reset();  // b2c.swap=0: no swap file
    if (bytes && *bytes > 0)
        storage.swap_bytes = bytes;
    storage.swap_device = device;
    storage.swappiness = swappiness;
}

void parse_filesystem(std::string_view value, Config& config, Reporter& report)
{
    auto sub = parse_sub_options(value);
    FilesystemConfig fs{sub.head, {}, {}, {}};
    bool ok = true;
    if (!is_simple_name(fs.name, "-_.")) {
        report.error(fmt::format("'{}' is not a file system name (expected b2c.filesystem=NAME,src=SOURCE"
                                 "[,type=TYPE][,opts=A|B], NAME of letters, digits, '-', '_' or '.')",
                                 fs.name));
        ok = false;
    }
    SubOptionWalker walker(report, "src=, type=, opts=");
    for (const auto& item : sub.items) {
        if (item.key == "src") {
            if (walker.needs_value(item, ok))
                fs.source = *item.value;
        } else if (item.key == "type") {
            if (walker.needs_value(item, ok)) {
                fs.type = *item.value;
                if (!is_filesystem_type(fs.type)) {
                    report.error(fmt::format("type={} is not a file system type (expected a name such as ext4, "
                                             "nfs, 9p, virtiofs or fuse.sshfs)",
                                             fs.type));
                    ok = false;
                }
            }
        } else if (item.key == "opts") {
            if (walker.needs_value(item, ok))
                for (auto& option : split(*item.value, '|'))
                    if (!option.empty())
                        fs.options.push_back(std::move(option));
        } else {
            walker.unknown(item);
        }
    }
    if (ok && fs.source.empty()) {
        report.error(fmt::format("{} has no src= (expected b2c.filesystem={},src=SOURCE[,type=TYPE][,opts=A|B])",
                                 fs.name, fs.name));
        ok = false;
    }
    if (ok)
        config.storage.filesystems.push_back(std::move(fs));
}

// The keys are secrets: no message shows them, nor a field that may be a piece of one.
void parse_minio(std::string_view value, Config& config, Reporter& report)
{
    auto fields = split_outside_quotes(value, ',');
    if (fields.size() != 4) {
        report.error(fmt::format("{} comma-separated fields given (expected b2c.minio=ALIAS,URL,ACCESS_KEY,"
                                 "SECRET_KEY; quote a key that holds a comma)",
                                 fields.size()));
        return;
    }
    S3Alias s3{strip_quotes(fields[0]), strip_quotes(fields[1]), strip_quotes(fields[2]), strip_quotes(fields[3])};
    bool ok = true;
    if (!is_simple_name(s3.alias, "-_")) {
        report.error(fmt::format("'{}' is not an alias (expected letters, digits, '-' or '_')", s3.alias));
        ok = false;
    }
    if (!is_http_url(s3.url)) {
        report.error(fmt::format("{}: '{}' is not an http:// or https:// URL", s3.alias, s3.url));
        ok = false;
    }
    if (s3.access_key.empty() || s3.secret_key.empty()) {
        report.error(fmt::format("{}: empty {} (expected b2c.minio=ALIAS,URL,ACCESS_KEY,SECRET_KEY)", s3.alias,
                                 s3.access_key.empty() ? "ACCESS_KEY" : "SECRET_KEY"));
        ok = false;
    }
    if (ok)
        config.storage.s3_aliases.push_back(std::move(s3));
}

void check_declared_once(Config& config)
{
    auto keep_first = [&](auto& entries, std::string_view option, auto name_of, std::string_view what) {
        std::unordered_set<std::string> seen;
        Reporter report(config.diagnostics, option);
        std::erase_if(entries, [&](const auto& entry) {
            const std::string& name = name_of(entry);
            if (seen.insert(name).second)
                return false;
            report.error(fmt::format("{} is declared twice (expected one {} per {})", name, option, what));
            return true;
        });
    };
    auto& storage = config.storage;
    keep_first(
        storage.filesystems, "b2c.filesystem", [](const FilesystemConfig& fs) -> const std::string& { return fs.name; },
        "name");
    keep_first(
        storage.s3_aliases, "b2c.minio", [](const S3Alias& s3) -> const std::string& { return s3.alias; }, "alias");
    keep_first(
        storage.volumes, "b2c.volume", [](const VolumeConfig& v) -> const std::string& { return v.name; }, "name");
}

void check_storage_references(Config& config)
{
    auto& storage = config.storage;
    std::unordered_set<std::string_view> filesystems, aliases;
    for (const auto& fs : storage.filesystems)
        filesystems.insert(fs.name);
    for (const auto& s3 : storage.s3_aliases)
        aliases.insert(s3.alias);
    if (storage.cache.kind == CacheDevice::Kind::filesystem && !filesystems.count(storage.cache.name)) {
        Reporter(config.diagnostics, "b2c.cache_device")
            .error(fmt::format("'{}' is neither none, auto, reset, a /dev/ path nor a declared b2c.filesystem",
                               storage.cache.name));
        storage.cache = {};
    }
    Reporter report(config.diagnostics, "b2c.volume");
    std::erase_if(storage.volumes, [&](const VolumeConfig& volume) {
        bool ok = true;
        if (volume.filesystem && !filesystems.count(*volume.filesystem)) {
            report.error(fmt::format("{}: filesystem={} is not declared (expected a b2c.filesystem={},...)",
                                     volume.name, *volume.filesystem, *volume.filesystem));
            ok = false;
        }
        for (const auto* location : {&volume.pull_from, &volume.push_to}) {
            if (*location && !aliases.count((*location)->alias)) {
                report.error(fmt::format("{}: the S3 alias {} is not declared (expected a b2c.minio={},URL,...)",
                                         volume.name, (*location)->alias, (*location)->alias));
                ok = false;
                if (volume.pull_from && volume.push_to && volume.pull_from->alias == volume.push_to->alias)
                    break;  // mirror=: say it once
            }
        }
        return !ok;
    });
}

}  // namespace b2c::cmdline::detail
