#include "storage/s3/local_tree.h"

#include <algorithm>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace b2c::s3 {

std::vector<TreeEntry> walk_local_tree(const std::filesystem::path& root, bool missing_is_empty)
{
    namespace fs = std::filesystem;
    std::error_code error;
    auto status = fs::status(root, error);
    if (status.type() == fs::file_type::not_found && missing_is_empty)
        return {};
    if (status.type() != fs::file_type::directory)
        throw std::runtime_error(fmt::format("{} is not a directory", root.string()));

    std::vector<TreeEntry> entries;
    fs::recursive_directory_iterator it(root, fs::directory_options::none, error), end;
    if (error)
        throw std::runtime_error(fmt::format("cannot read {}: {}", root.string(), error.message()));
    for (; it != end; it.increment(error)) {
        if (error)
            throw std::runtime_error(fmt::format("cannot read {}: {}", root.string(), error.message()));
        auto type = it->symlink_status(error).type();
        if (type == fs::file_type::directory)
            continue;
        std::string path = it->path().lexically_relative(root).generic_string();
        if (type == fs::file_type::regular && it->path().filename().string().rfind(".b2c-mirror-", 0) == 0)
            continue;  // a download a killed pull left behind (temp_file.h): never mirrored
        if (type != fs::file_type::regular) {
            spdlog::warn("{}: not a regular file, not mirrored", path);
            continue;
        }
        auto size = it->file_size(error);
        if (error)
            throw std::runtime_error(fmt::format("cannot stat {}: {}", it->path().string(), error.message()));
        entries.push_back({std::move(path), size, {}});
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return entries;
}

}  // namespace b2c::s3
