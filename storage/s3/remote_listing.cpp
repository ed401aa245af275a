#include "storage/s3/remote_listing.h"

#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "storage/s3/s3_xml.h"

namespace b2c::s3 {
namespace {

struct Listing {
    std::vector<RemoteObject> objects;
    std::optional<Outcome> failure;
    std::string parse_error;
};

void list_page(MirrorContext& context, Listing& listing, const std::string& token)
{
    QueryParameters query{{"list-type", "2"}, {"prefix", context.prefix}};
    if (!token.empty())
        query.emplace_back("continuation-token", token);
    Transfer transfer;
    transfer.request.url = context.url_of("", query);
    transfer.done = [&context, &listing](Outcome& outcome) {
        if (!outcome.ok) {
            listing.failure = std::move(outcome);
            return;
        }
        try {
            auto page = parse_list_objects_v2(outcome.body);
            for (auto& object : page.objects)
                listing.objects.push_back(std::move(object));
            if (page.truncated)
                list_page(context, listing, page.next_token);
        } catch (const std::exception& e) {
            listing.parse_error = e.what();
        }
    };
    context.engine.add(std::move(transfer));
}

void create_bucket(MirrorContext& context)
{
    const auto& bucket = context.location.bucket;
    Transfer transfer;
    transfer.request.method = "PUT";
    transfer.request.url = context.url_of("");
    transfer.request.body = "";
    std::optional<Outcome> failure;
    transfer.done = [&failure](Outcome& outcome) {
        if (!outcome.ok && outcome.s3_code != "BucketAlreadyOwnedByYou")
            failure = std::move(outcome);
    };
    context.engine.add(std::move(transfer));
    context.engine.run();
    if (failure)
        throw std::runtime_error(fmt::format("cannot create the bucket {}: {}", bucket, context.reason(*failure)));
    spdlog::info("created the bucket {}", bucket);
}

}  // namespace

std::vector<RemoteObject> list_remote(MirrorContext& context, bool create_missing_bucket)
{
    Listing listing;
    list_page(context, listing, "");
    context.engine.run();
    if (listing.failure && listing.failure->s3_code == "NoSuchBucket" && create_missing_bucket) {
        create_bucket(context);
        return {};
    }
    std::string where =
        fmt::format("{}/{} at {}", context.location.bucket, context.prefix, context.location.endpoint.url);
    if (listing.failure)
        throw std::runtime_error(fmt::format("cannot list {}: {}", where, context.reason(*listing.failure)));
    if (!listing.parse_error.empty())
        throw std::runtime_error(fmt::format("cannot list {}: {}", where, listing.parse_error));
    return std::move(listing.objects);
}

std::vector<TreeEntry> remote_entries(const MirrorContext& context, const std::vector<RemoteObject>& objects)
{
    std::vector<TreeEntry> entries;
    for (const auto& object : objects) {
        if (object.key.size() <= context.prefix.size() || object.key.back() == '/')
            continue;
        entries.push_back({object.key.substr(context.prefix.size()), object.size, object.etag});
    }
    return entries;
}

}  // namespace b2c::s3
