#include "storage/s3/mirror_record.h"

#include <fcntl.h>
#include <strings.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "storage/s3/digest.h"
#include "storage/s3/temp_file.h"

namespace b2c::s3 {
namespace {

constexpr std::string_view header = "b2c-mirror-record 1";
constexpr std::uintmax_t largest_record = 64u << 20;  // bigger is not ours: ignored

template <typename Number>
bool parse_number(std::string_view& line, Number& value)
{
    auto space = line.find(' ');
    if (space == std::string_view::npos || space == 0)
        return false;
    auto [end, error] = std::from_chars(line.data(), line.data() + space, value);
    if (error != std::errc() || end != line.data() + space)
        return false;
    line.remove_prefix(space + 1);
    return true;
}

// "ETAG SIZE INODE MTIME_NS CTIME_NS PATH" (the path last: it may hold spaces).
bool parse_line(std::string_view line, RecordedFiles& files)
{
    auto space = line.find(' ');
    if (space == std::string_view::npos || space == 0)
        return false;
    RecordedFile file;
    file.etag = std::string(line.substr(0, space));
    line.remove_prefix(space + 1);
    if (!parse_number(line, file.stamp.size) || !parse_number(line, file.stamp.inode) ||
        !parse_number(line, file.stamp.mtime_ns) || !parse_number(line, file.stamp.ctime_ns) || line.empty())
        return false;
    return files.emplace(std::string(line), std::move(file)).second;
}

bool recordable(std::string_view text)
{
    return !text.empty() && text.find('\n') == std::string_view::npos;
}

}  // namespace

FileStamp stamp_of(const struct stat& st)
{
    auto ns = [](const struct timespec& t) { return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec; };
    return FileStamp{static_cast<std::uint64_t>(st.st_size), static_cast<std::uint64_t>(st.st_ino), ns(st.st_mtim),
                     ns(st.st_ctim)};
}

FileStamp stamp_of(int fd, const std::string& name)
{
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        throw std::system_error(errno, std::generic_category(), "cannot stat " + name);
    return stamp_of(st);
}

std::string format_mirror_record(std::string_view location, const RecordedFiles& files)
{
    std::string text = fmt::format("{}\nlocation {}\n", header, location);
    for (const auto& [path, file] : files) {
        if (!recordable(path) || file.etag.empty() || file.etag.find_first_of(" \n") != std::string::npos)
            continue;
        text += fmt::format("{} {} {} {} {} {}\n", file.etag, file.stamp.size, file.stamp.inode, file.stamp.mtime_ns,
                            file.stamp.ctime_ns, path);
    }
    return text;
}

RecordedFiles parse_mirror_record(std::string_view text, std::string_view location)
{
    RecordedFiles files;
    std::size_t line_number = 0;
    while (!text.empty()) {
        auto end = text.find('\n');
        if (end == std::string_view::npos)
            return {};  // cut short: a record is written whole or not at all
        auto line = text.substr(0, end);
        text.remove_prefix(end + 1);
        bool ok = line_number == 0   ? line == header
                  : line_number == 1 ? line.substr(0, 9) == "location " && line.substr(9) == location
                                     : parse_line(line, files);
        if (!ok)
            return {};
        ++line_number;
    }
    return files;
}

std::string MirrorRecord::file_name(std::string_view location)
{
    return ".b2c-mirror-record-" + sha256_hex(location).substr(0, 16);
}

MirrorRecord::MirrorRecord(std::optional<std::filesystem::path> dir, std::string location)
    : dir_(std::move(dir)), location_(std::move(location))
{
    if (!dir_)
        return;
    auto path = *dir_ / file_name(location_);
    std::error_code error;
    auto size = std::filesystem::file_size(path, error);
    if (error || size > largest_record)
        return;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    loaded_ = parse_mirror_record(text.str(), location_);
}

bool MirrorRecord::vouches_for(const std::string& path, const FileStamp& now, const TreeEntry& object) const
{
    auto it = loaded_.find(path);
    return it != loaded_.end() && it->second.stamp == now && now.size == object.size && !object.etag.empty() &&
           strcasecmp(it->second.etag.c_str(), object.etag.c_str()) == 0;
}

void MirrorRecord::remember(const std::string& path, const FileStamp& stamp, const std::string& etag)
{
    if (enabled() && recordable(path) && !etag.empty())
        seen_[path] = RecordedFile{stamp, etag};
}

void MirrorRecord::save() const
{
    if (!dir_)
        return;
    try {
        UniqueFd dir(::open(dir_->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dir)
            throw std::system_error(errno, std::generic_category(), "cannot open " + dir_->string());
        TempFile file(std::move(dir), *dir_);
        auto text = format_mirror_record(location_, seen_);
        file.write(text.data(), text.size());
        file.commit_as(file_name(location_));
    } catch (const std::exception& e) {
        spdlog::warn("cannot keep what this mirror found identical ({}): the next one reads the files again", e.what());
    }
}

}  // namespace b2c::s3
