#include "init/firmware.h"

#include <fmt/format.h>

namespace fs = std::filesystem;

namespace b2c::init {
namespace {

void link_entry(const fs::path& from, const fs::path& into, FirmwareLinks& done)
{
    std::error_code ec;
    auto status = fs::symlink_status(into, ec);
    if (!fs::exists(status)) {
        fs::create_symlink(from, into, ec);
        if (ec)
            done.errors.push_back(fmt::format("cannot link {} to {}: {}", into.string(), from.string(), ec.message()));
        else
            ++done.links;
        return;
    }
    bool both_folders = fs::is_directory(from, ec) && fs::is_directory(into, ec);
    if (!both_folders) {
        ++done.kept;
        return;
    }
    if (fs::equivalent(from, into, ec))
        return;
    for (fs::directory_iterator it(from, ec), end; !ec && it != end; it.increment(ec))
        link_entry(it->path(), into / it->path().filename(), done);
    if (ec)
        done.errors.push_back(fmt::format("cannot read {}: {}", from.string(), ec.message()));
}

}  // namespace

FirmwareLinks link_missing_entries(const fs::path& from, const fs::path& into)
{
    FirmwareLinks done;
    std::error_code ec;
    fs::create_directories(into.parent_path(), ec);
    link_entry(fs::absolute(from, ec), into, done);
    return done;
}

FirmwareLinks link_usr_firmware(const std::string& root)
{
    auto from = fs::path(root) / "usr/lib/firmware";
    auto into = fs::path(root) / "lib/firmware";
    std::error_code ec;
    if (!fs::is_directory(from, ec) || fs::equivalent(from, into, ec))
        return {};
    return link_missing_entries(from, into);
}

}  // namespace b2c::init
