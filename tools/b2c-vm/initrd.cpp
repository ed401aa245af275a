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

void append_file(int out, const std::string& path)
{
    UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in)
        throw std::runtime_error(fmt::format("cannot read '{}': {}", path, error_text(errno)));
    char buffer[1 << 16];
    for (;;) {
        ssize_t n = ::read(in.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw std::runtime_error(fmt::format("cannot read '{}': {}", path, error_text(errno)));
        if (n == 0)
            return;
        for (ssize_t done = 0; done < n;) {
            ssize_t w = ::write(out, buffer + done, static_cast<std::size_t>(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                throw std::runtime_error(fmt::format("cannot write the initrd: {}", error_text(errno)));
            done += w;
        }
    }
}

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

std::optional<std::string> modules_next_to(const std::string& initramfs, const std::string& release)
{
    fs::path path(initramfs);
    if (!path.filename().string().starts_with("initramfs-core."))
        return std::nullopt;
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
    UniqueFd out(::mkostemp(pattern.data(), O_CLOEXEC));
    if (!out)
        throw std::runtime_error(fmt::format("cannot create a temporary initrd in {}: {}",
                                             fs::path(pattern).parent_path().string(), error_text(errno)));
    path_ = pattern;
    try {
        append_file(out.get(), first);
        append_file(out.get(), second);
    } catch (...) {
        ::unlink(path_.c_str());
        throw;
    }
}

ConcatenatedInitrd::~ConcatenatedInitrd()
{
    ::unlink(path_.c_str());
}

}  // namespace b2c::vm
