// b2c.volume=NAME[,...]. Whether its file system and S3 aliases exist is
// checked by check_storage_references(), once every option is known.
#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include <fmt/format.h>

#include "cmdline/option_parsing.h"
#include "common/base64.h"
#include "common/text.h"

namespace b2c::cmdline::detail {
namespace {

constexpr std::array<std::pair<std::string_view, SyncCondition>, 5> conditions{{
    {"pipeline_start", sync_pipeline_start},
    {"container_start", sync_container_start},
    {"container_end", sync_container_end},
    {"pipeline_end", sync_pipeline_end},
    {"changes", sync_changes},
}};

std::optional<unsigned> condition_value(const SubOption& item, Reporter& report)
{
    unsigned bits = 0;
    for (const auto& word : split(*item.value, '|')) {
        auto found = std::find_if(conditions.begin(), conditions.end(),
                                  [&](const auto& condition) { return condition.first == word; });
        if (found == conditions.end()) {
            report.error(fmt::format("{}={}: '{}' is not a condition (expected |-separated pipeline_start, "
                                     "container_start, container_end, pipeline_end or changes)",
                                     item.key, *item.value, word));
            return std::nullopt;
        }
        bits |= found->second;
    }
    return bits;
}

// ALIAS/BUCKET[/PREFIX]
std::optional<S3Location> location_value(const SubOption& item, Reporter& report)
{
    auto parts = split(*item.value, '/');
    if (parts.size() < 2 || !is_simple_name(parts[0], "-_") || parts[1].empty()) {
        report.error(fmt::format("{}={} is not an S3 location (expected {}=ALIAS/BUCKET[/PREFIX])", item.key,
                                 *item.value, item.key));
        return std::nullopt;
    }
    S3Location location{parts[0], parts[1], {}};
    parts.erase(parts.begin(), parts.begin() + 2);
    location.prefix = join(parts, "/");
    return location;
}

bool is_volume_name(std::string_view name)
{
    return is_simple_name(name, "-_.") && std::isalnum(static_cast<unsigned char>(name.front()));
}

}  // namespace

void parse_volume(std::string_view value, Config& config, Reporter& report)
{
    auto sub = parse_sub_options(value);
    VolumeConfig volume;
    volume.name = sub.head;
    bool ok = true;
    bool mirrored = false;
    if (!is_volume_name(volume.name)) {
        report.error(fmt::format("'{}' is not a volume name (expected b2c.volume=NAME[,...], NAME of letters, "
                                 "digits, '-', '_' or '.', starting with a letter or digit)",
                                 volume.name));
        ok = false;
    }
    auto set_location = [&](std::optional<S3Location>& where, std::string_view what, const S3Location& location) {
        if (where)
            report.warning(fmt::format("{}: {} given twice (by mirror=, pull_from= or push_to=), the last one wins",
                                       volume.name, what));
        where = location;
    };
    SubOptionWalker walker(report, "filesystem=, expiration=, fscrypt_key=, fscrypt_reset_key, mirror=, pull_from=, "
                                   "push_to=, pull_on=, push_on=, overwrite, remove, exclude=, preserve, encrypt_key=");
    for (const auto& item : sub.items) {
        const auto& key = item.key;
        bool secret = false;
        if (key == "filesystem") {
            if (walker.needs_value(item, ok))
                volume.filesystem = *item.value;
        } else if (key == "expiration") {
            if (item.value == "never") {
                volume.expiration = VolumeConfig::Expiration::never;
            } else if (item.value == "pipeline_end") {
                volume.expiration = VolumeConfig::Expiration::pipeline_end;
            } else {
                report.error(fmt::format("expiration={} is not an expiration (expected never or pipeline_end)",
                                         item.value.value_or("")));
                ok = false;
            }
        } else if (key == "fscrypt_key") {
            secret = true;
            if (walker.needs_value(item, ok)) {
                auto bytes = decode_base64(*item.value);
                if (!bytes)
                    report.error(fmt::format("{}: fscrypt_key=*** is not base 64 (expected the base 64 of a "
                                             "{}-byte key)",
                                             volume.name, fscrypt_key_bytes));
                else if (bytes->size() != fscrypt_key_bytes)
                    report.error(fmt::format("{}: fscrypt_key=*** decodes to {} bytes (expected the base 64 of a "
                                             "{}-byte key)",
                                             volume.name, bytes->size(), fscrypt_key_bytes));
                if (bytes && bytes->size() == fscrypt_key_bytes)
                    volume.fscrypt_key = *item.value;
                else
                    ok = false;
            }
        } else if (key == "encrypt_key") {
            secret = true;
            if (walker.needs_value(item, ok))
                volume.encrypt_key = *item.value;
        } else if (key == "mirror" || key == "pull_from" || key == "push_to") {
            mirrored = mirrored || key == "mirror";
            if (walker.needs_value(item, ok)) {
                auto location = location_value(item, report);
                ok = ok && location;
                if (location && key != "push_to")
                    set_location(volume.pull_from, "pull_from", *location);
                if (location && key != "pull_from")
                    set_location(volume.push_to, "push_to", *location);
            }
        } else if (key == "pull_on" || key == "push_on") {
            if (walker.needs_value(item, ok)) {
                auto bits = condition_value(item, report);
                ok = ok && bits;
                (key == "pull_on" ? volume.pull_on : volume.push_on) |= bits.value_or(0);
            }
        } else if (key == "exclude") {
            if (walker.needs_value(item, ok))
                volume.exclude.push_back(*item.value);
        } else if (key == "fscrypt_reset_key" || key == "overwrite" || key == "remove" || key == "preserve") {
            if (walker.is_flag(item, ok)) {
                auto& flag = key == "fscrypt_reset_key" ? volume.fscrypt_reset_key
                             : key == "overwrite"       ? volume.overwrite
                             : key == "remove"          ? volume.remove
                                                        : volume.preserve;
                flag = true;
            }
        } else {
            walker.unknown(item);
            continue;
        }
        walker.after(item, secret);
    }

    if (ok && volume.pull_on && !volume.pull_from) {
        report.error(
            fmt::format("{}: pull_on= without pull_from= or mirror= (expected a location to pull from)", volume.name));
        ok = false;
    }
    if (ok && volume.push_on && !volume.push_to) {
        report.error(
            fmt::format("{}: push_on= without push_to= or mirror= (expected a location to push to)", volume.name));
        ok = false;
    }
    // mirror= names both directions; using one of them is a choice (farm
    // jobs pull their traces and never push them). An explicit pull_from= or
    // push_to= without its *_on= would never be used.
    if (mirrored && !volume.pull_on && !volume.push_on)
        report.warning(
            fmt::format("{}: mirror= without pull_on= or push_on=, the volume is never synced", volume.name));
    if (!mirrored && volume.pull_from && !volume.pull_on)
        report.warning(fmt::format("{}: no pull_on=, the volume is never pulled", volume.name));
    if (!mirrored && volume.push_to && !volume.push_on)
        report.warning(fmt::format("{}: no push_on=, the volume is never pushed", volume.name));
    if (volume.fscrypt_reset_key && !volume.fscrypt_key) {
        report.error(
            fmt::format("{}: fscrypt_reset_key without fscrypt_key= (expected a new key to reset to)", volume.name));
        ok = false;
    }
    if (ok)
        config.storage.volumes.push_back(std::move(volume));
}

}  // namespace b2c::cmdline::detail
