// The command line of b2c-mirror (Boost.Program_options) and where its S3
// aliases come from: B2C_MINIO_<ALIAS>=URL,ACCESS_KEY,SECRET_KEY variables
// (b2c.minio's value without the alias) or a --config file of
// "ALIAS URL ACCESS_KEY SECRET_KEY" lines.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "storage/s3/mirror.h"

namespace b2c::mirror {

struct MirrorCommand {
    s3::MirrorOptions options;
    std::string source, destination;  // one local directory, one ALIAS/BUCKET[/PREFIX]
    std::optional<std::string> list;  // --list ALIAS/BUCKET[/PREFIX]
    std::optional<std::string> config_file;
    bool help = false;
    bool version = false;  // --version: ours and the libcurl we run with
};

// Bad usage: the message says what to change. b2c-mirror exits with 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

MirrorCommand parse_command(int argc, const char* const argv[]);
std::string help_text();
// "b2c-mirror VERSION" then the libcurl linked in (curl_version()): the
// tests read it to know whether SSE-C can be signed right (libcurl >= 8.10).
std::string version_text();

using Aliases = std::map<std::string, s3::Endpoint>;

// "URL,ACCESS_KEY,SECRET_KEY"; the message of a UsageError never holds a key.
s3::Endpoint parse_alias_value(const std::string& alias, const std::string& value);
// Every B2C_MINIO_<ALIAS> of `environment` (a NULL-terminated environ).
Aliases aliases_from_environment(const char* const* environment);
// A config file's text; UsageError naming the line when one is malformed.
Aliases aliases_from_config(const std::string& text, const std::string& file_name);

// ALIAS/BUCKET[/PREFIX] when the first part is a known alias (and `arg` does
// not start with '/' or '.'); nullopt for a local path.
std::optional<s3::Location> parse_remote(const std::string& arg, const Aliases& aliases);

// "1048576", "64K", "16M", "2G" (powers of 1024).
std::uint64_t parse_size(const std::string& text, const std::string& option);

}  // namespace b2c::mirror
