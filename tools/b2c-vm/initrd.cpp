#include "tools/b2c-vm/initrd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/unique_fd.h"

namespace fs = std::filesystem;

namespace b2c::vm {
namespace {

constexpr std::size_t kHeaderMagicOffset = 0x202;  // "HdrS"
constexpr std::size_t kVersionPointerOffset = 0x20e;
constexpr std::size_t kVersionBase = 0x200;

}  // namespace

std::optional<std::string> bzimage_release(const std::string& kernel)
{
    std::ifstream file(kernel, std::ios::binary);
    char header[0x210];
    if (!file.read(header, sizeof header) || std::string_view(header + kHeaderMagicOffset, 4) != "HdrS")
        return std::nullopt;
    auto low = static_cast<unsigned char>(header[kVersionPointerOffset]);
    auto high = static_cast<unsigned char>(header[kVersionPointerOffset + 1]);
    std::uint32_t offset = kVersionBase + (low | (high << 8));
    char text[128] = {};
    if (!file.seekg(offset) || !file.read(text, sizeof text - 1))
        return std::nullopt;
    std::string release(text);
    release = release.substr(0, release.find(' '));
    if (release.empty() || release.size() > 64)
        return std::nullopt;
    for (char c : release)
        if (c < 0x21 || c > 0x7e || c == '/')
            return std::nullopt;
    return release;
}

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

ConcatenatedInitrd::ConcatenatedInitrd(const std::string& first, const std::string& second)
{
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = fmt::format("{}/b2c-vm-initrd.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    UniqueFd created(::mkostemp(pattern.data(), O_CLOEXEC));
    if (!created)
        throw std::runtime_error(fmt::format("cannot create a temporary initrd in {}: {}",
                                             fs::path(pattern).parent_path().string(), error_text(errno)));
    path_ = pattern;
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    for (const auto* part : {&first, &second}) {
        std::ifstream in(*part, std::ios::binary);
        // (<< of an empty stream buffer sets failbit: an empty file copies nothing.)
        bool empty = in && in.peek() == std::ifstream::traits_type::eof();
        if (!in || (!empty && !(out << in.rdbuf()))) {
            ::unlink(path_.c_str());
            throw std::runtime_error(fmt::format("cannot read '{}' into the initrd {}", *part, path_));
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
