#include "storage/s3/upload.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/units.h"
#include "storage/s3/digest.h"
#include "storage/s3/mc_attrs.h"
#include "storage/s3/response_headers.h"
#include "storage/s3/s3_xml.h"

namespace b2c::s3 {
namespace {

std::string etag_of(const Outcome& outcome)
{
    auto etag = outcome.headers.find("etag");
    return etag == outcome.headers.end() ? std::string() : unquoted_etag(etag->second);
}

// S3 takes at most 10000 parts: bigger files get bigger parts (whole MiB).
std::uint64_t part_size_for(std::uint64_t size, std::uint64_t wanted)
{
    constexpr std::uint64_t max_parts = 10000;
    if (part_count(size, wanted) <= max_parts)
        return wanted;
    return (size / max_parts / MiB + 1) * MiB;
}

// One local file of the tree being pushed.
struct LocalFile {
    const LocalDirectory& dir;
    std::string path;  // relative to dir

    UniqueFd open() const { return dir.open_file(path); }
    std::string name() const { return (dir.root() / path).string(); }
    FileStamp stamp() const { return stamp_of(open().get(), name()); }
};

// Headers of the object itself: on a PUT or a multipart initiation.
Headers object_headers(const MirrorContext& context, const LocalFile& file)
{
    Headers headers{{"Content-Type", "application/octet-stream"}};
    if (context.options.preserve) {
        struct stat st {};
        if (::fstat(file.open().get(), &st) != 0)
            throw std::runtime_error(fmt::format("cannot stat {}: {}", file.name(), error_text(errno)));
        headers.emplace_back(mc_attrs_header, format_mc_attrs(attributes_of(st)));
    }
    for (auto& header : context.sse_headers())
        headers.push_back(header);
    return headers;
}

// Content-MD5 of the bytes sent, computed when the request's turn comes.
std::function<void(Request&)> add_content_md5(const LocalFile& file, std::uint64_t offset, std::uint64_t length,
                                              std::shared_ptr<std::string> md5_hex = {})
{
    return [=](Request& request) {
        auto digest = file_range_md5(file.open().get(), file.name(), offset, length);
        request.headers.emplace_back("Content-MD5", base64(digest));
        if (md5_hex)
            *md5_hex = hex(digest);
    };
}

Transfer::FileRange range_of(const LocalFile& file, std::uint64_t offset, std::uint64_t length)
{
    return Transfer::FileRange{[file] { return file.open(); }, file.name(), offset, length};
}

void queue_single_put(MirrorContext& context, const LocalFile& file, const TreeEntry& entry)
{
    Transfer transfer;
    transfer.request.method = "PUT";
    transfer.request.url = context.url_of(context.key_of(entry.path));
    transfer.request.payload_sha256 = unsigned_payload;
    transfer.upload = range_of(file, 0, entry.size);
    auto md5_hex = std::make_shared<std::string>();
    auto stamp = std::make_shared<FileStamp>();
    transfer.prepare = [&context, file, size = entry.size, md5_hex, stamp](Request& request) {
        *stamp = file.stamp();  // before reading: a write meanwhile moves it
        request.headers = object_headers(context, file);
        add_content_md5(file, 0, size, md5_hex)(request);
    };
    transfer.done = [&context, entry, md5_hex, stamp](Outcome& outcome) {
        std::string etag = etag_of(outcome);
        if (!outcome.ok)
            return context.fail(entry.path, context.reason(outcome));
        // With SSE-C the ETag is not the MD5 of what we sent.
        if (!context.sse && etag.size() == 32 && strcasecmp(etag.c_str(), md5_hex->c_str()) != 0)
            return context.fail(entry.path, fmt::format("the server stored MD5 {}, we sent {}", etag, *md5_hex));
        context.record.remember(entry.path, *stamp, etag.empty() ? *md5_hex : etag);
        ++context.report.copied;
        context.report.bytes += entry.size;
    };
    context.engine.add(std::move(transfer));
}

struct Multipart {
    TreeEntry entry;
    std::optional<LocalFile> file;
    FileStamp stamp;  // when the upload started
    std::string upload_id;
    std::vector<std::string> part_etags;
    std::size_t parts_left = 0;
    std::string first_error;  // of a part; the upload is then aborted
};

void queue_abort(MirrorContext& context, const std::shared_ptr<Multipart>& upload)
{
    Transfer transfer;
    transfer.request.method = "DELETE";
    transfer.request.url = context.url_of(context.key_of(upload->entry.path), {{"uploadId", upload->upload_id}});
    transfer.done = [&context, upload](Outcome& outcome) {
        context.fail(upload->entry.path,
                     upload->first_error + (outcome.ok ? "" : "; aborting the upload failed too: " + outcome.error));
    };
    context.engine.add(std::move(transfer));
}

void queue_complete(MirrorContext& context, const std::shared_ptr<Multipart>& upload)
{
    Transfer transfer;
    transfer.request.method = "POST";
    transfer.request.url = context.url_of(context.key_of(upload->entry.path), {{"uploadId", upload->upload_id}});
    transfer.request.body = complete_multipart_xml(upload->part_etags);
    transfer.request.payload_sha256 = sha256_hex(*transfer.request.body);
    transfer.request.headers = {{"Content-Type", "application/xml"}};
    for (auto& header : context.sse_headers())
        transfer.request.headers.push_back(header);
    transfer.done = [&context, upload](Outcome& outcome) {
        if (!outcome.ok) {
            upload->first_error = "completing the upload failed: " + context.reason(outcome);
            return queue_abort(context, upload);
        }
        // Ceph 16's RGW leaves the ETag out of its answer: then the parts' make it.
        auto etag = parse_completed_etag(outcome.body);
        if (etag.empty())
            etag = multipart_etag(upload->part_etags).value_or("");
        context.record.remember(upload->entry.path, upload->stamp, etag);
        ++context.report.copied;
        context.report.bytes += upload->entry.size;
    };
    context.engine.add(std::move(transfer));
}

void queue_parts(MirrorContext& context, const std::shared_ptr<Multipart>& upload)
{
    const std::uint64_t size = upload->entry.size;
    const std::uint64_t part_size = part_size_for(size, context.options.part_size);
    upload->parts_left = part_count(size, part_size);
    upload->part_etags.resize(upload->parts_left);
    for (std::size_t i = 0; i < upload->part_etags.size(); ++i) {
        std::uint64_t offset = i * part_size;
        std::uint64_t length = std::min(part_size, size - offset);
        Transfer transfer;
        transfer.request.method = "PUT";
        transfer.request.url = context.url_of(context.key_of(upload->entry.path),
                                              {{"partNumber", std::to_string(i + 1)}, {"uploadId", upload->upload_id}});
        transfer.request.payload_sha256 = unsigned_payload;
        transfer.request.headers = context.sse_headers();
        transfer.upload = range_of(*upload->file, offset, length);
        auto md5 = add_content_md5(*upload->file, offset, length);
        transfer.prepare = [upload, md5](Request& request) {
            if (!upload->first_error.empty())
                throw std::runtime_error("skipped");  // another part failed: no use sending this one
            md5(request);
        };
        transfer.done = [&context, upload, i](Outcome& outcome) {
            std::string etag = etag_of(outcome);
            if (outcome.ok && etag.empty())
                outcome.error = "the server gave the part no ETag";
            if ((!outcome.ok || etag.empty()) && upload->first_error.empty())
                upload->first_error = fmt::format("part {}: {}", i + 1, context.reason(outcome));
            upload->part_etags[i] = etag;
            if (--upload->parts_left > 0)
                return;
            if (upload->first_error.empty())
                queue_complete(context, upload);
            else
                queue_abort(context, upload);
        };
        context.engine.add(std::move(transfer));
    }
}

void queue_multipart(MirrorContext& context, const LocalFile& file, const TreeEntry& entry)
{
    auto upload = std::make_shared<Multipart>();
    upload->entry = entry;
    upload->file.emplace(file);
    Transfer transfer;
    transfer.request.method = "POST";
    transfer.request.url = context.url_of(context.key_of(entry.path), {{"uploads", ""}});
    transfer.request.body = "";
    transfer.prepare = [&context, file, upload](Request& request) {
        upload->stamp = file.stamp();
        request.headers = object_headers(context, file);
    };
    transfer.done = [&context, upload](Outcome& outcome) {
        if (!outcome.ok)
            return context.fail(upload->entry.path, "starting a multipart upload failed: " + context.reason(outcome));
        try {
            upload->upload_id = parse_upload_id(outcome.body);
        } catch (const std::exception& e) {
            return context.fail(upload->entry.path, e.what());
        }
        queue_parts(context, upload);
    };
    context.engine.add(std::move(transfer));
}

}  // namespace

void queue_upload(MirrorContext& context, const LocalDirectory& dir, const TreeEntry& entry)
{
    LocalFile file{dir, entry.path};
    if (entry.size >= context.options.multipart_threshold && entry.size > 0)
        queue_multipart(context, file, entry);
    else
        queue_single_put(context, file, entry);
}

}  // namespace b2c::s3
