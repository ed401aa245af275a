#include "storage/s3/mirror_context.h"

#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "storage/s3/endpoint.h"

namespace b2c::s3 {
namespace {

std::optional<SseCKey> sse_of(const MirrorOptions& options)
{
    if (!options.sse_c_key)
        return std::nullopt;
    return make_sse_c_key(*options.sse_c_key);
}

EngineOptions engine_options(const Location& location, const MirrorOptions& options, const std::optional<SseCKey>& sse)
{
    EngineOptions engine;
    engine.max_in_flight = options.max_in_flight;
    engine.attempts = options.attempts;
    engine.first_retry_delay = std::chrono::milliseconds(options.first_retry_delay_ms);
    engine.secrets = {location.endpoint.access_key, location.endpoint.secret_key};
    if (sse)
        engine.secrets.insert(engine.secrets.end(), sse->secrets.begin(), sse->secrets.end());
    return engine;
}

// What names a location in its record: the same directory may be mirrored
// with several.
std::string record_location(const Location& location, const std::string& prefix)
{
    return fmt::format("{} {}/{}", location.endpoint.url, location.bucket, prefix);
}

}  // namespace

MirrorContext::MirrorContext(const Location& location_, const MirrorOptions& options_)
    : location(location_), options(options_), sse(sse_of(options_)), prefix(key_prefix(location_.prefix)),
      record(sse ? std::nullopt : options_.record_dir, record_location(location_, prefix)),
      engine(Credentials{location_.endpoint.access_key, location_.endpoint.secret_key, location_.endpoint.region},
             engine_options(location_, options_, sse))
{
    // Errors before anything starts: a bad URL, no bucket, parts of no size.
    parse_base_url(location.endpoint.url);
    if (location.bucket.empty())
        throw std::invalid_argument("no bucket given (expected ALIAS/BUCKET[/PREFIX])");
    if (has_dot_segment(prefix))
        throw std::invalid_argument(fmt::format(
            "the prefix '{}' has a '.' or '..' part: S3 keys under it cannot be addressed", location.prefix));
    if (options.part_size == 0 || options.multipart_threshold == 0)
        throw std::invalid_argument("the part size and the multipart threshold must be at least 1 byte");
}

std::string MirrorContext::url_of(const std::string& key, const QueryParameters& query) const
{
    return object_url(location.endpoint, location.bucket, key, query);
}

void MirrorContext::fail(const std::string& path, const std::string& reason)
{
    spdlog::error("{}: {}", path, reason);
    report.failed.push_back(path + ": " + reason);
}

std::string MirrorContext::reason(const Outcome& outcome) const
{
    if (sse && outcome.s3_code == "SignatureDoesNotMatch" && curl_misorders_prefixed_headers())
        return outcome.error +
               " (this libcurl signs the SSE-C headers in the wrong order; encrypt_key needs libcurl 8.10 or later)";
    return outcome.error;
}

}  // namespace b2c::s3
