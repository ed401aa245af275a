#include "tools/b2c-mirror/options.h"

#include <cstring>
#include <sstream>

#include <boost/program_options.hpp>
#include <curl/curl.h>
#include <fmt/format.h>

#include "common/text.h"

namespace po = boost::program_options;

namespace b2c::mirror {
namespace {

po::options_description describe(MirrorCommand& c, std::string& threshold, std::string& part_size)
{
    auto& o = c.options;
    po::options_description desc("Options");
    desc.add_options()("help,h", po::bool_switch(&c.help), "show this help and exit")(
        "version", po::bool_switch(&c.version), "show the versions of b2c-mirror and of its libcurl, and exit")(
        "overwrite", po::bool_switch(&o.overwrite), "replace destination files that differ (default: keep them)")(
        "remove", po::bool_switch(&o.remove), "delete destination files the source does not have")(
        "exclude", po::value(&o.exclude)->value_name("GLOB")->composing(),
        "leave out relative paths matching GLOB (fnmatch; repeatable)")(
        "preserve", po::bool_switch(&o.preserve), "keep modes and times (mc's X-Amz-Meta-Mc-Attrs)")(
        "record-dir", po::value<std::string>()->value_name("DIR"),
        "remember in DIR what was left identical, so that the next mirror of the same location trusts the files "
        "that did not change (size, mtime, ctime, inode) instead of reading them")(
        "encrypt-key", po::value<std::string>()->value_name("KEY"),
        "SSE-C: the server encrypts with this 32-byte key (raw or base64)")(
        "jobs", po::value(&o.max_in_flight)->value_name("N")->default_value(16), "transfers in flight at once")(
        "multipart-threshold", po::value(&threshold)->value_name("SIZE")->default_value("64M"),
        "files this large or larger go in parts")(
        "part-size", po::value(&part_size)->value_name("SIZE")->default_value("16M"),
        "size of those parts")("attempts", po::value(&o.attempts)->value_name("N")->default_value(5),
                               "tries per request on connection errors, 5xx and 429")(
        "retry-delay", po::value(&o.first_retry_delay_ms)->value_name("MS")->default_value(500),
        "wait before the first retry, doubled after each")("config", po::value<std::string>()->value_name("FILE"),
                                                           "aliases: lines of ALIAS URL ACCESS_KEY SECRET_KEY")(
        "list", po::value<std::string>()->value_name("ALIAS/BUCKET[/PREFIX]"), "list the objects and exit");
    return desc;
}

}  // namespace

std::uint64_t parse_size(const std::string& text, const std::string& option)
{
    std::size_t end = 0;
    std::uint64_t value = 0;
    try {
        value = std::stoull(text, &end);
    } catch (const std::exception&) {
        end = 0;
    }
    std::string_view unit = std::string_view(text).substr(end);
    unsigned shift = unit == "" ? 0 : unit == "K" ? 10 : unit == "M" ? 20 : unit == "G" ? 30 : 64;
    if (end == 0 || shift == 64 || value == 0)
        throw UsageError(fmt::format("--{} takes a size like 1048576, 64K, 16M or 2G, not '{}'", option, text));
    return value << shift;
}

MirrorCommand parse_command(int argc, const char* const argv[])
{
    MirrorCommand command;
    std::string threshold, part_size;
    auto desc = describe(command, threshold, part_size);
    po::options_description hidden;
    std::vector<std::string> paths;
    hidden.add_options()("path", po::value(&paths)->composing());
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description positional;
    positional.add("path", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    if (command.help || command.version)
        return command;
    if (vm.count("encrypt-key"))
        command.options.sse_c_key = vm["encrypt-key"].as<std::string>();
    if (vm.count("record-dir")) {
        command.options.record_dir = vm["record-dir"].as<std::string>();
        if (command.options.record_dir->empty())
            throw UsageError("--record-dir takes a directory");
    }
    if (vm.count("config"))
        command.config_file = vm["config"].as<std::string>();
    command.options.multipart_threshold = parse_size(threshold, "multipart-threshold");
    command.options.part_size = parse_size(part_size, "part-size");
    if (command.options.max_in_flight == 0)
        throw UsageError("--jobs must be 1 or more");
    if (vm.count("list")) {
        command.list = vm["list"].as<std::string>();
        if (!paths.empty())
            throw UsageError("--list takes no SRC or DST");
        return command;
    }
    if (paths.size() != 2)
        throw UsageError(fmt::format("expected SRC and DST, got {} path(s)", paths.size()));
    command.source = paths[0];
    command.destination = paths[1];
    return command;
}

std::string help_text()
{
    MirrorCommand c;
    std::string a, b;
    std::ostringstream out;
    out << "Usage: b2c-mirror [OPTIONS] SRC DST\n"
           "       b2c-mirror [--config FILE] --list ALIAS/BUCKET[/PREFIX]\n\n"
           "Mirrors a local directory to an S3 bucket (push) or a bucket to a local\n"
           "directory (pull), like boot2container's volume mirrors and `mc mirror`.\n"
           "One of SRC and DST is ALIAS/BUCKET[/PREFIX], the other a directory.\n"
           "Aliases: B2C_MINIO_<ALIAS>=URL,ACCESS_KEY,SECRET_KEY in the environment,\n"
           "or --config FILE with lines 'ALIAS URL ACCESS_KEY SECRET_KEY'.\n\n"
        << describe(c, a, b)
        << "\nExit codes: 0 all done, 1 some files failed (listed) or the mirror could not\n"
           "start, 2 bad usage.\n";
    return out.str();
}

std::string version_text()
{
    return fmt::format("b2c-mirror {}\n{}\n", B2C_VERSION, curl_version());
}

s3::Endpoint parse_alias_value(const std::string& alias, const std::string& value)
{
    auto fields = split(value, ',');
    if (fields.size() != 3 || fields[0].empty() || fields[1].empty() || fields[2].empty())
        throw UsageError(fmt::format("alias {}: expected URL,ACCESS_KEY,SECRET_KEY ({} comma-separated fields given)",
                                     alias, fields.size()));
    s3::Endpoint endpoint;
    endpoint.url = fields[0];
    endpoint.access_key = fields[1];
    endpoint.secret_key = fields[2];
    return endpoint;
}

Aliases aliases_from_environment(const char* const* environment)
{
    constexpr std::string_view prefix = "B2C_MINIO_";
    Aliases aliases;
    for (; environment && *environment; ++environment) {
        std::string_view variable = *environment;
        auto equal = variable.find('=');
        if (variable.substr(0, prefix.size()) != prefix || equal == std::string_view::npos || equal == prefix.size())
            continue;
        std::string alias(variable.substr(prefix.size(), equal - prefix.size()));
        aliases[alias] = parse_alias_value(alias, std::string(variable.substr(equal + 1)));
    }
    return aliases;
}

Aliases aliases_from_config(const std::string& text, const std::string& file_name)
{
    Aliases aliases;
    std::istringstream in(text);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        auto trimmed = trim(line);
        if (trimmed.empty() || trimmed.front() == '#')
            continue;
        std::istringstream words{std::string(trimmed)};
        std::string alias, url, access_key, secret_key, extra;
        if (!(words >> alias >> url >> access_key >> secret_key) || (words >> extra))
            throw UsageError(fmt::format("{}:{}: expected 'ALIAS URL ACCESS_KEY SECRET_KEY'", file_name, number));
        aliases[alias] = parse_alias_value(alias, url + ',' + access_key + ',' + secret_key);
    }
    return aliases;
}

std::optional<s3::Location> parse_remote(const std::string& arg, const Aliases& aliases)
{
    if (arg.empty() || arg.front() == '/' || arg.front() == '.')
        return std::nullopt;
    auto slash = arg.find('/');
    auto alias = aliases.find(arg.substr(0, slash));
    if (alias == aliases.end())
        return std::nullopt;
    std::string rest = slash == std::string::npos ? "" : arg.substr(slash + 1);
    auto bucket_end = rest.find('/');
    s3::Location location;
    location.endpoint = alias->second;
    location.bucket = rest.substr(0, bucket_end);
    if (location.bucket.empty())
        throw UsageError(fmt::format("'{}' names no bucket (expected ALIAS/BUCKET[/PREFIX])", arg));
    if (bucket_end != std::string::npos)
        location.prefix = rest.substr(bucket_end + 1);
    return location;
}

}  // namespace b2c::mirror
