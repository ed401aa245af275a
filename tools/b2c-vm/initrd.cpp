#include "tools/b2c-vm/initrd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/unique_fd.h"

namespace fs = std::filesystem;

namespace b2c::vm {
bool is_core_initramfs(const std::string& initramfs)
{
    return fs::path(initramfs).filename().string().starts_with("initramfs-core.");
}

std::optional<std::string> modules_next_to(const std::string& initramfs, const std::string& release)
{
    fs::path path(initramfs);
    // The initramfs' own compression first.
    bool xz = path.extension() == ".xz";
    for (const char* ext : {xz ? "xz" : "zst", xz ? "zst" : "xz"}) {
        auto candidate = path.parent_path() / fmt::format("modules-{}.cpio.{}", release, ext);
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec))
            return candidate.string();
    }
    return std::nullopt;
}

std::vector<std::string> initrd_parts(const VmOptions& options)
{
    std::vector<std::string> parts = options.initrds_before;
    parts.push_back(options.initramfs);
    if (options.modules_archive)
        parts.push_back(*options.modules_archive);
    parts.insert(parts.end(), options.initrds_after.begin(), options.initrds_after.end());
    return parts;
}

ConcatenatedInitrd::ConcatenatedInitrd(const std::vector<std::string>& parts)
{
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = fmt::format("{}/b2c-vm-initrd.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    UniqueFd created(::mkostemp(pattern.data(), O_CLOEXEC));
    if (!created)
        throw std::runtime_error(fmt::format("cannot create a temporary initrd in {}: {}",
                                             fs::path(pattern).parent_path().string(), error_text(errno)));
    path_ = pattern;
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    for (const auto& part : parts) {
        std::streamoff at = out.tellp();
        out << std::string(static_cast<std::size_t>((4 - at % 4) % 4), '\0');
        std::ifstream in(part, std::ios::binary);
        // (<< of an empty stream buffer sets failbit: an empty file copies nothing.)
        bool empty = in && in.peek() == std::ifstream::traits_type::eof();
        if (!in || (!empty && !(out << in.rdbuf()))) {
            ::unlink(path_.c_str());
            throw std::runtime_error(fmt::format("cannot read '{}' into the initrd {}", part, path_));
        }
    }
    if (!out.flush()) {
        ::unlink(path_.c_str());
        throw std::runtime_error(fmt::format("cannot write the initrd {}", path_));
    }
}

ConcatenatedInitrd::~ConcatenatedInitrd()
{
    ::unlink(path_.c_str());
}

}  // namespace b2c::vm
