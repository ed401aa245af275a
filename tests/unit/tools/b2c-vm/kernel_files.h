// The first bytes of kernel files as far as b2c-vm reads them
// (tools/b2c-vm/kernel_image.h), for the tests.
#pragma once

#include <cstddef>
#include <string>

namespace b2c::testing {

// An x86 bzImage: the setup header's "HdrS" at 0x202 and, at 0x20e, the
// version string's offset - 0x200.
inline std::string bzimage(const std::string& version_text)
{
    std::string image(0x400, '\0');
    image.replace(0x202, 4, "HdrS");
    std::size_t at = 0x300;
    image[0x20e] = static_cast<char>((at - 0x200) & 0xff);
    image[0x20f] = static_cast<char>((at - 0x200) >> 8);
    image.replace(at, version_text.size(), version_text);
    return image;
}

// An arm64 Image: "ARM\x64" at 0x38, and `banner` (linux_banner, "Linux
// version ...") at `at`, in a file of `size` bytes.
inline std::string arm64_image(const std::string& banner, std::size_t at = 0x10000, std::size_t size = 0x20000)
{
    std::string image(size, '\0');
    image.replace(0x38, 4, std::string("ARM\x64", 4));
    if (!banner.empty())
        image.replace(at, banner.size(), banner);
    return image;
}

}  // namespace b2c::testing
