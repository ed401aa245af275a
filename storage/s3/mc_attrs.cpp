#include "storage/s3/mc_attrs.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "common/text.h"

namespace b2c::s3 {
namespace {

std::string format_time(const FileTime& time)
{
    return fmt::format("{}#{}", time.seconds, time.nanoseconds);
}

template <typename Number>
std::optional<Number> parse_number(std::string_view text)
{
    Number value{};
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<FileTime> parse_time(std::string_view text)
{
    auto hash = text.find('#');
    auto seconds = parse_number<std::int64_t>(text.substr(0, hash));
    if (!seconds)
        return std::nullopt;
    FileTime time{*seconds, 0};
    if (hash != std::string_view::npos) {
        auto nanoseconds = parse_number<long>(text.substr(hash + 1));
        if (!nanoseconds || *nanoseconds < 0 || *nanoseconds > 999'999'999)
            return std::nullopt;
        time.nanoseconds = *nanoseconds;
    }
    return time;
}

}  // namespace

std::string format_mc_attrs(const FileAttributes& a)
{
    std::vector<std::string> fields;  // in mc's (alphabetical) order
    if (a.atime)
        fields.push_back("atime:" + format_time(*a.atime));
    if (a.gid)
        fields.push_back(fmt::format("gid:{}", *a.gid));
    if (!a.gname.empty())
        fields.push_back("gname:" + a.gname);
    if (a.mode)
        fields.push_back(fmt::format("mode:{}", *a.mode));
    if (a.mtime)
        fields.push_back("mtime:" + format_time(*a.mtime));
    if (a.uid)
        fields.push_back(fmt::format("uid:{}", *a.uid));
    if (!a.uname.empty())
        fields.push_back("uname:" + a.uname);
    return join(fields, "/");
}

FileAttributes parse_mc_attrs(std::string_view text)
{
    FileAttributes a;
    for (const auto& field : split(text, '/')) {
        auto colon = field.find(':');
        if (colon == std::string::npos)
            continue;
        std::string_view name = std::string_view(field).substr(0, colon);
        std::string_view value = std::string_view(field).substr(colon + 1);
        if (name == "atime")
            a.atime = parse_time(value);
        else if (name == "mtime")
            a.mtime = parse_time(value);
        else if (name == "uid")
            a.uid = parse_number<unsigned>(value);
        else if (name == "gid")
            a.gid = parse_number<unsigned>(value);
        else if (name == "mode")
            a.mode = parse_number<unsigned>(value);
        else if (name == "uname")
            a.uname = value;
        else if (name == "gname")
            a.gname = value;
    }
    return a;
}

FileAttributes attributes_of(const struct stat& st)
{
    FileAttributes a;
    a.atime = FileTime{st.st_atim.tv_sec, st.st_atim.tv_nsec};
    a.mtime = FileTime{st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
    a.uid = st.st_uid;
    a.gid = st.st_gid;
    a.mode = st.st_mode;
    std::vector<char> buffer(16384);
    struct passwd pw {};
    struct passwd* user = nullptr;
    if (getpwuid_r(st.st_uid, &pw, buffer.data(), buffer.size(), &user) == 0 && user)
        a.uname = user->pw_name;
    struct group gr {};
    struct group* group = nullptr;
    if (getgrgid_r(st.st_gid, &gr, buffer.data(), buffer.size(), &group) == 0 && group)
        a.gname = group->gr_name;
    return a;
}

void apply_attributes(int fd, const std::string& name, const FileAttributes& a)
{
    if (geteuid() == 0 && (a.uid || a.gid)) {
        uid_t uid = a.uid ? *a.uid : static_cast<uid_t>(-1);
        gid_t gid = a.gid ? *a.gid : static_cast<gid_t>(-1);
        if (::fchown(fd, uid, gid) != 0)
            spdlog::warn("cannot give {} to {}:{}: {}", name, uid, gid, error_text(errno));
    }
    // After chown, which may clear the set-user-ID bits anyway.
    if (a.mode && ::fchmod(fd, static_cast<mode_t>(*a.mode & 0777)) != 0)
        throw std::system_error(errno, std::generic_category(), "cannot set the mode of " + name);
    if (a.atime || a.mtime) {
        struct timespec times[2];
        times[0] = a.atime ? timespec{a.atime->seconds, a.atime->nanoseconds} : timespec{0, UTIME_OMIT};
        times[1] = a.mtime ? timespec{a.mtime->seconds, a.mtime->nanoseconds} : timespec{0, UTIME_OMIT};
        if (::futimens(fd, times) != 0)
            throw std::system_error(errno, std::generic_category(), "cannot set the times of " + name);
    }
}

}  // namespace b2c::s3
