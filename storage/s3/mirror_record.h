// What a mirror left identical on both sides, remembered beside the
// directory so that the next push or pull of the same location does not
// read every file again (rsync's quick check, made safe): for each file,
// the object's ETag and the file's stamp (size, inode, mtime, ctime) at a
// moment its bytes were known to be the object's. A file is trusted when
// its stamp and its object's ETag are both unchanged. ctime cannot be set
// from user space and moves with every write, so a file written since,
// even with its mtime put back (`touch -d`), is read again. A record of
// another location, of another format or damaged is ignored as a whole.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "storage/s3/sync_plan.h"

namespace b2c::s3 {

struct FileStamp {
    std::uint64_t size = 0, inode = 0;
    std::int64_t mtime_ns = 0, ctime_ns = 0;
    bool operator==(const FileStamp&) const = default;
};
FileStamp stamp_of(const struct stat& st);
// Of an open file; throws std::system_error naming it (`name`).
FileStamp stamp_of(int fd, const std::string& name);

struct RecordedFile {
    FileStamp stamp;
    std::string etag;
};
using RecordedFiles = std::map<std::string, RecordedFile>;  // by relative path

// The text of a record, and back. Parsing gives nothing for a record of
// another `location`, or one with any line it does not understand.
std::string format_mirror_record(std::string_view location, const RecordedFiles& files);
RecordedFiles parse_mirror_record(std::string_view text, std::string_view location);

class MirrorRecord {
public:
    // The record of `location` (any text naming it: endpoint, bucket,
    // prefix) kept in `dir`, loaded now; without `dir`, a record that
    // trusts nothing and saves nothing.
    MirrorRecord(std::optional<std::filesystem::path> dir, std::string location);

    bool enabled() const { return dir_.has_value(); }
    // Whether `path`, stamped `now`, still holds the bytes of `object`.
    bool vouches_for(const std::string& path, const FileStamp& now, const TreeEntry& object) const;
    // What this mirror found or made identical; only these are saved.
    void remember(const std::string& path, const FileStamp& stamp, const std::string& etag);
    // Replaces the file, atomically. A failure is a warning: a lost record
    // costs reading the files again, nothing else.
    void save() const;

    // The file's name in `dir`: hidden, and skipped by the tree walker
    // (".b2c-mirror-" files) should `dir` be the mirrored directory itself.
    static std::string file_name(std::string_view location);

private:
    std::optional<std::filesystem::path> dir_;
    std::string location_;
    RecordedFiles loaded_, seen_;
};

}  // namespace b2c::s3
