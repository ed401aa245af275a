#include "storage/s3/mirror.h"

#include <strings.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "storage/s3/digest.h"
#include "storage/s3/download.h"
#include "storage/s3/local_directory.h"
#include "storage/s3/local_tree.h"
#include "storage/s3/mirror_context.h"
#include "storage/s3/remote_listing.h"
#include "storage/s3/sync_plan.h"
#include "storage/s3/upload.h"

namespace b2c::s3 {
namespace {

PlanOptions plan_options(const MirrorOptions& options)
{
    return PlanOptions{options.overwrite, options.remove, options.exclude};
}

// Whether a local file holds an object's bytes. Objects carry no checksum
// of ours: their ETag is the MD5 of the content, or for a multipart upload
// the MD5 of the parts' MD5s with "-N", which we compute the same way from
// the local file with the part size that explains N (ours, or the whole
// MiB mc and the AWS CLI use). This costs no request per object, unlike a
// checksum in metadata, and works for objects others uploaded. When nothing
// explains the ETag (SSE-C, other part sizes), the file counts as
// different: kept without `overwrite`, replaced with it; never lost.
bool local_file_matches(MirrorContext& context, const LocalDirectory& dir, const std::string& path,
                        const TreeEntry& remote)
{
    if (context.sse)
        return false;
    try {
        auto fd = dir.open_file(path);
        auto name = (dir.root() / path).string();
        auto stamp = stamp_of(fd.get(), name);  // before reading: a write meanwhile moves it
        if (context.record.vouches_for(path, stamp, remote)) {
            ++context.report.trusted;
            context.record.remember(path, stamp, remote.etag);
            return true;
        }
        auto part_size = etag_part_size(remote.etag, remote.size, context.options.part_size);
        if (!part_size)
            return false;
        auto etag = file_etag(fd.get(), name, *part_size);
        context.report.bytes_compared += stamp.size;
        if (strcasecmp(etag.c_str(), remote.etag.c_str()) != 0)
            return false;
        context.record.remember(path, stamp, remote.etag);
        return true;
    } catch (const std::exception& e) {
        spdlog::warn("{}: {}", remote.path, e.what());
        return false;
    }
}

void report_kept(MirrorContext& context, const Plan& plan, std::string_view where)
{
    context.report.skipped_same = plan.same.size();
    context.report.skipped_differs = plan.differs.size();
    for (const auto& path : plan.differs)
        spdlog::warn("{}: differs {}, kept (no overwrite)", path, where);
}

void log_summary(const MirrorContext& context, std::string_view what)
{
    const auto& r = context.report;
    spdlog::info("{}: {} copied ({} bytes), {} same ({} by the record, {} bytes read to compare), {} differ (kept), "
                 "{} removed, {} failed",
                 what, r.copied, r.bytes, r.skipped_same, r.trusted, r.bytes_compared, r.skipped_differs, r.removed,
                 r.failed.size());
}

}  // namespace

MirrorReport push(const std::filesystem::path& dir, const Location& to, const MirrorOptions& options)
{
    MirrorContext context(to, options);
    auto local = walk_local_tree(dir, false);
    LocalDirectory tree(dir, false);
    auto remote = remote_entries(context, list_remote(context, true));
    auto plan = plan_mirror(local, remote, plan_options(options), [&](const TreeEntry& source, const TreeEntry& there) {
        return local_file_matches(context, tree, source.path, there);
    });
    report_kept(context, plan, "in the bucket");
    for (const auto* entries : {&plan.copy, &plan.overwrite}) {
        for (const auto& entry : *entries)
            queue_upload(context, tree, entry);
    }
    for (const auto& entry : plan.remove) {
        Transfer transfer;
        transfer.request.method = "DELETE";
        try {
            transfer.request.url = context.url_of(context.key_of(entry.path));
        } catch (const std::invalid_argument& e) {  // a key with a "." part, made by another client
            context.fail(entry.path, std::string("cannot remove it: ") + e.what());
            continue;
        }
        transfer.done = [&context, path = entry.path](Outcome& outcome) {
            if (outcome.ok)
                ++context.report.removed;
            else
                context.fail(path, "cannot remove it: " + context.reason(outcome));
        };
        context.engine.add(std::move(transfer));
    }
    context.engine.run();
    context.record.save();
    log_summary(context, fmt::format("push {} to {}/{}", dir.string(), to.bucket, context.prefix));
    return std::move(context.report);
}

MirrorReport pull(const Location& from, const std::filesystem::path& dir, const MirrorOptions& options)
{
    MirrorContext context(from, options);
    std::vector<TreeEntry> remote;
    for (auto& entry : remote_entries(context, list_remote(context, false))) {
        if (is_safe_relative_path(entry.path))
            remote.push_back(std::move(entry));
        else
            context.fail(entry.path, "this key cannot be a file in a directory (empty, '.' or '..' part)");
    }
    auto local = walk_local_tree(dir, true);
    LocalDirectory tree(dir, true);
    auto plan = plan_mirror(remote, local, plan_options(options), [&](const TreeEntry& source, const TreeEntry&) {
        return local_file_matches(context, tree, source.path, source);
    });
    report_kept(context, plan, "in the directory");
    for (const auto* entries : {&plan.copy, &plan.overwrite}) {
        for (const auto& entry : *entries)
            queue_download(context, tree, entry);
    }
    context.engine.run();
    // Deleting local files only once every download is done.
    for (const auto& entry : plan.remove) {
        try {
            tree.remove_file(entry.path);
            ++context.report.removed;
        } catch (const std::exception& e) {
            context.fail(entry.path, e.what());
        }
    }
    context.record.save();
    log_summary(context, fmt::format("pull {}/{} to {}", from.bucket, context.prefix, dir.string()));
    return std::move(context.report);
}

std::vector<RemoteObject> list(const Location& at, const MirrorOptions& options)
{
    MirrorContext context(at, options);
    return list_remote(context, false);
}

}  // namespace b2c::s3
