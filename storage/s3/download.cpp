#include "storage/s3/download.h"

#include <fcntl.h>
#include <strings.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/text.h"
#include "storage/s3/digest.h"
#include "storage/s3/mc_attrs.h"
#include "storage/s3/range_hasher.h"

namespace b2c::s3 {

bool is_safe_relative_path(const std::string& path)
{
    if (path.empty() || path.front() == '/')
        return false;
    for (const auto& part : split(path, '/')) {
        if (part.empty() || part == "." || part == "..")
            return false;
    }
    return true;
}

namespace {

// Checks a download, restores its attributes and renames it into place.
void finish_download(MirrorContext& context, const LocalDirectory& dir, const TreeEntry& entry, TempFile& file,
                     std::uint64_t size, const std::string& etag, bool etag_known,
                     const std::map<std::string, std::string>& headers)
{
    if (size != entry.size)
        return context.fail(entry.path, fmt::format("{} bytes came, the listing said {}", size, entry.size));
    if (etag_known && strcasecmp(etag.c_str(), entry.etag.c_str()) != 0)
        return context.fail(entry.path,
                            fmt::format("the bytes that came have ETag {}, the object {}", etag, entry.etag));
    auto attrs = headers.find("x-amz-meta-mc-attrs");
    auto restore_attributes = [&](int fd) {
        if (!context.options.preserve || attrs == headers.end())
            return;
        try {
            apply_attributes(fd, entry.path, parse_mc_attrs(attrs->second));
        } catch (const std::exception& e) {
            spdlog::warn("{}: {}", entry.path, e.what());
        }
    };
    try {
        file.commit_as(LocalDirectory::file_name(entry.path), restore_attributes);
    } catch (const std::exception& e) {
        return context.fail(entry.path, e.what());
    }
    // Stamped after the rename, which moves its ctime: a container that
    // wrote the file in the instant between would leave a record vouching
    // for its new bytes. Pulls run before the containers that use the
    // volume, and a write racing a pull loses to it anyway.
    if (context.record.enabled()) {
        try {
            context.record.remember(entry.path, stamp_of(dir.open_file(entry.path).get(), entry.path), entry.etag);
        } catch (const std::exception& e) {
            spdlog::debug("{}: not recorded: {}", entry.path, e.what());
        }
    }
    ++context.report.copied;
    context.report.bytes += entry.size;
}

// A temporary file in the directory that will hold `entry`, made without
// following any link on the way.
std::unique_ptr<TempFile> temp_file_for(const LocalDirectory& dir, const TreeEntry& entry)
{
    return std::make_unique<TempFile>(dir.open_parent(entry.path, true), (dir.root() / entry.path).parent_path());
}

// A large object comes in ranges of part_size, several at once, written
// in place into one temporary file, hashed by a RangeHasher to check the ETag.
struct RangedDownload {
    TreeEntry entry;
    std::unique_ptr<TempFile> file;
    std::size_t left = 0;
    std::unique_ptr<RangeHasher> hasher;         // none when the ETag cannot be checked
    std::map<std::string, std::string> headers;  // of the first range: the object's metadata
    std::string first_error;
};

void queue_ranged_download(MirrorContext& context, const LocalDirectory& dir, const TreeEntry& entry,
                           std::optional<std::uint64_t> etag_part_size)
{
    auto d = std::make_shared<RangedDownload>();
    d->entry = entry;
    try {
        d->file = temp_file_for(dir, entry);
    } catch (const std::exception& e) {
        return context.fail(entry.path, e.what());
    }
    const std::uint64_t range_size = context.options.part_size;
    d->left = part_count(entry.size, range_size);
    if (etag_part_size)
        d->hasher = std::make_unique<RangeHasher>(d->file->fd(), d->file->path().string(), entry.size, range_size,
                                                  *etag_part_size);
    for (std::size_t i = 0, ranges = d->left; i < ranges; ++i) {
        std::uint64_t offset = i * range_size;
        std::uint64_t length = std::min(range_size, entry.size - offset);
        Transfer transfer;
        transfer.request.url = context.url_of(context.key_of(entry.path));
        transfer.request.headers = context.sse_headers();
        transfer.request.headers.emplace_back("Range", fmt::format("bytes={}-{}", offset, offset + length - 1));
        transfer.download_at = Transfer::WriteAt{d->file->fd(), offset};
        transfer.done = [&context, &dir, d, i, length](Outcome& outcome) {
            if (!outcome.ok && d->first_error.empty())
                d->first_error = fmt::format("range {}: {}", i + 1, context.reason(outcome));
            else if (outcome.ok && outcome.file_size != length && d->first_error.empty())
                d->first_error = fmt::format("range {}: {} bytes came for {}", i + 1, outcome.file_size, length);
            if (i == 0)
                d->headers = outcome.headers;
            if (d->hasher && outcome.ok && outcome.file_size == length)
                d->hasher->range_done(i);
            if (--d->left > 0)
                return;
            std::string etag;
            try {
                if (d->hasher && d->first_error.empty())
                    etag = d->hasher->finish();
            } catch (const std::exception& e) {
                d->first_error = e.what();
            }
            d->hasher.reset();  // its thread ends before the file is renamed or deleted
            if (!d->first_error.empty())
                return context.fail(d->entry.path, d->first_error);
            finish_download(context, dir, d->entry, *d->file, d->entry.size, etag, !etag.empty(), d->headers);
        };
        context.engine.add(std::move(transfer));
    }
}

}  // namespace

void queue_download(MirrorContext& context, const LocalDirectory& dir, const TreeEntry& entry)
{
    // With SSE-C the ETag is not the MD5 of the content: the size is all we can check.
    std::optional<std::uint64_t> part_size;
    if (!context.sse)
        part_size = etag_part_size(entry.etag, entry.size, context.options.part_size);
    if (entry.size >= context.options.multipart_threshold && entry.size > context.options.part_size)
        return queue_ranged_download(context, dir, entry, part_size);
    Transfer transfer;
    transfer.request.url = context.url_of(context.key_of(entry.path));
    transfer.request.headers = context.sse_headers();
    transfer.download_to = [&dir, entry] { return temp_file_for(dir, entry); };
    transfer.download_part_size = part_size.value_or(0);
    transfer.done = [&context, &dir, entry, part_size](Outcome& outcome) {
        if (!outcome.ok)
            return context.fail(entry.path, context.reason(outcome));
        finish_download(context, dir, entry, *outcome.file, outcome.file_size, outcome.file_etag, part_size.has_value(),
                        outcome.headers);
    };
    context.engine.add(std::move(transfer));
}

}  // namespace b2c::s3
