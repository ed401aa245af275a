#include "tools/b2c-vm/kernel_image.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace fs = std::filesystem;

namespace b2c::vm {
namespace {

constexpr std::size_t kHeaderMagicOffset = 0x202;  // "HdrS"
constexpr std::size_t kVersionPointerOffset = 0x20e;
constexpr std::size_t kVersionBase = 0x200;
constexpr std::size_t kArm64MagicOffset = 0x38;  // Documentation/arm64/booting.rst
constexpr std::string_view kArm64Magic("ARM\x64", 4);
constexpr std::string_view kBanner = "Linux version ";

// The release at the start of `text`, up to the space or NUL that must end
// it within `text`, if it is one: a digit first ("6.1.0-57-arm64"; not the
// "%s" of a format string), printable, no '/', at most 64 bytes.
std::optional<std::string> release_of(std::string_view text)
{
    auto end = text.find_first_of(std::string_view(" \0", 2));
    if (end == std::string_view::npos || end == 0 || end > 64 || text[0] < '0' || text[0] > '9')
        return std::nullopt;
    auto release = text.substr(0, end);
    for (char c : release)
        if (c < 0x21 || c > 0x7e || c == '/')
            return std::nullopt;
    return std::string(release);
}

std::optional<std::string> bzimage_release(std::ifstream& file, const char* header)
{
    auto low = static_cast<unsigned char>(header[kVersionPointerOffset]);
    auto high = static_cast<unsigned char>(header[kVersionPointerOffset + 1]);
    std::uint32_t offset = kVersionBase + (low | (high << 8));
    char text[128] = {};
    file.clear();
    if (!file.seekg(offset) || !file.read(text, sizeof text - 1))
        return std::nullopt;
    return release_of(std::string_view(text, sizeof text));  // NUL-terminated
}

// linux_banner ("Linux version 6.1.0-57-arm64 (debian-kernel@...") lies in
// the uncompressed Image: read through in blocks that overlap by more than a
// banner's release, so that one cut by a block's end is found whole in the
// next (cut, it has no space to end it).
std::optional<std::string> banner_release(std::ifstream& file)
{
    constexpr std::size_t kBlock = 1 << 20, kOverlap = 128;
    std::string block(kBlock + kOverlap, '\0');
    std::size_t kept = 0;
    file.clear();
    file.seekg(0);
    while (file) {
        file.read(block.data() + kept, static_cast<std::streamsize>(kBlock));
        auto size = kept + static_cast<std::size_t>(file.gcount());
        std::string_view data(block.data(), size);
        for (auto at = data.find(kBanner); at != std::string_view::npos; at = data.find(kBanner, at + 1))
            if (auto release = release_of(data.substr(at + kBanner.size(), kOverlap - kBanner.size())))
                return release;
        kept = std::min(size, kOverlap);
        std::memmove(block.data(), block.data() + size - kept, kept);
    }
    return std::nullopt;
}

// The architecture a kernel's first bytes say, with the file open after them.
std::optional<Arch> arch_of_header(std::ifstream& file, char (&header)[0x210])
{
    if (!file.read(header, sizeof header))
        return std::nullopt;
    if (std::string_view(header + kHeaderMagicOffset, 4) == "HdrS")
        return Arch::amd64;
    if (std::string_view(header + kArm64MagicOffset, 4) == kArm64Magic)
        return Arch::arm64;
    return std::nullopt;
}

}  // namespace

std::optional<KernelImage> read_kernel_image(const std::string& path)
{
    std::ifstream file(path, std::ios::binary);
    char header[0x210];
    auto arch = arch_of_header(file, header);
    if (!arch)
        return std::nullopt;
    return KernelImage{*arch, *arch == Arch::amd64 ? bzimage_release(file, header) : banner_release(file)};
}

std::optional<Arch> kernel_arch(const std::string& path)
{
    std::ifstream file(path, std::ios::binary);
    char header[0x210];
    return arch_of_header(file, header);
}

std::string newest_kernel(const std::string& dir, Arch arch)
{
    std::string best;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        auto name = entry.path().filename().string();
        if (!name.starts_with("vmlinuz-"))
            continue;
        if (!best.empty() && strverscmp(name.c_str(), fs::path(best).filename().c_str()) <= 0)
            continue;
        if (kernel_arch(entry.path().string()) == arch)
            best = entry.path().string();
    }
    return best;
}

}  // namespace b2c::vm
