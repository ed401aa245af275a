// b2c-mirror: the S3 mirror of boot2container's volumes, from a shell:
// push a directory to a bucket or pull a bucket to a directory, then print
// a one-line summary. Exit codes: 0 all done, 1 failures (listed), 2 usage.
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/log.h"
#include "tools/b2c-mirror/options.h"

extern char** environ;

namespace {

using b2c::mirror::UsageError;

b2c::mirror::Aliases load_aliases(const b2c::mirror::MirrorCommand& command)
{
    auto aliases = b2c::mirror::aliases_from_environment(environ);
    if (command.config_file) {
        std::ifstream in(*command.config_file);
        if (!in)
            throw UsageError(fmt::format("cannot read {}", *command.config_file));
        std::stringstream text;
        text << in.rdbuf();
        for (auto& [alias, endpoint] : b2c::mirror::aliases_from_config(text.str(), *command.config_file))
            aliases[alias] = endpoint;
    }
    return aliases;
}

b2c::s3::Location remote_or_fail(const std::string& arg, const b2c::mirror::Aliases& aliases)
{
    auto location = b2c::mirror::parse_remote(arg, aliases);
    if (!location)
        throw UsageError(fmt::format("'{}' does not start with a known alias", arg));
    return *location;
}

int list(const b2c::mirror::MirrorCommand& command, const b2c::mirror::Aliases& aliases)
{
    for (const auto& object : b2c::s3::list(remote_or_fail(*command.list, aliases), command.options))
        std::cout << fmt::format("{:>12} {} {} {}\n", object.size, object.last_modified, object.etag, object.key);
    return 0;
}

int mirror(const b2c::mirror::MirrorCommand& command, const b2c::mirror::Aliases& aliases)
{
    auto from = b2c::mirror::parse_remote(command.source, aliases);
    auto to = b2c::mirror::parse_remote(command.destination, aliases);
    if (bool(from) == bool(to))
        throw UsageError(from ? "SRC and DST are both buckets: one must be a local directory"
                              : "neither SRC nor DST starts with a known alias: one must be ALIAS/BUCKET[/PREFIX]");
    auto start = std::chrono::steady_clock::now();
    auto report = to ? b2c::s3::push(command.source, *to, command.options)
                     : b2c::s3::pull(*from, command.destination, command.options);
    std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    std::cout << fmt::format("copied {}, skipped {} ({} differ), removed {}, {} bytes, {:.2f} s; {} trusted from the "
                             "record, {} bytes read to compare\n",
                             report.copied, report.skipped_same + report.skipped_differs, report.skipped_differs,
                             report.removed, report.bytes, seconds.count(), report.trusted, report.bytes_compared);
    if (report.ok())
        return 0;
    std::cerr << fmt::format("b2c-mirror: {} file(s) failed:\n", report.failed.size());
    for (const auto& failure : report.failed)
        std::cerr << "  " << failure << '\n';
    return 1;
}

}  // namespace

int main(int argc, char* argv[])
{
    b2c::setup_logging();
    try {
        auto command = b2c::mirror::parse_command(argc, argv);
        if (command.help) {
            std::cout << b2c::mirror::help_text();
            return 0;
        }
        if (command.version) {
            std::cout << b2c::mirror::version_text();
            return 0;
        }
        auto aliases = load_aliases(command);
        return command.list ? list(command, aliases) : mirror(command, aliases);
    } catch (const UsageError& e) {
        std::cerr << "b2c-mirror: " << e.what() << " (see --help)\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "b2c-mirror: " << e.what() << '\n';
        return 1;
    }
}
