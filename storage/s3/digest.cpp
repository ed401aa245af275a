#include "storage/s3/digest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <openssl/evp.h>

#include "common/text.h"
#include "common/unique_fd.h"
#include "common/units.h"

namespace b2c::s3 {

struct Md5::Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
};

Md5::Md5() : context_(std::make_unique<Context>())
{
    if (!context_->ctx || EVP_DigestInit_ex(context_->ctx, EVP_md5(), nullptr) != 1)
        throw std::runtime_error("OpenSSL cannot compute MD5");
}

Md5::~Md5() = default;

void Md5::update(const void* data, std::size_t size)
{
    EVP_DigestUpdate(context_->ctx, data, size);
}

Md5Digest Md5::finish()
{
    Md5Digest digest{};
    EVP_DigestFinal_ex(context_->ctx, digest.data(), nullptr);
    EVP_DigestInit_ex(context_->ctx, EVP_md5(), nullptr);
    return digest;
}

Md5Digest md5(std::string_view data)
{
    Md5 m;
    m.update(data.data(), data.size());
    return m.finish();
}

std::string sha256_hex(std::string_view data)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned size = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL cannot compute SHA-256");
    return hex(digest, size);
}

std::string hex(const unsigned char* data, std::size_t size)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 0xF];
    }
    return out;
}

void EtagBuilder::update(const void* data, std::size_t size)
{
    whole_.update(data, size);
    total_ += size;
    if (part_size_ == 0)
        return;
    auto* bytes = static_cast<const unsigned char*>(data);
    while (size > 0) {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(size, part_size_ - in_part_));
        part_.update(bytes, n);
        bytes += n;
        size -= n;
        in_part_ += n;
        if (in_part_ == part_size_) {
            parts_.push_back(part_.finish());
            in_part_ = 0;
        }
    }
}

namespace {

std::string etag_of_parts(const std::vector<Md5Digest>& parts)
{
    Md5 of_parts;
    for (const auto& part : parts)
        of_parts.update(part.data(), part.size());
    return hex(of_parts.finish()) + '-' + std::to_string(parts.size());
}

bool is_md5_hex(std::string_view text)
{
    return text.size() == 32 && text.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

}  // namespace

std::string EtagBuilder::finish()
{
    auto whole = whole_.finish();
    if (part_size_ == 0)
        return hex(whole);
    if (in_part_ > 0 || parts_.empty())
        parts_.push_back(part_.finish());
    return etag_of_parts(parts_);
}

std::optional<std::string> multipart_etag(const std::vector<std::string>& part_md5s_hex)
{
    std::vector<Md5Digest> parts;
    for (const auto& text : part_md5s_hex) {
        if (!is_md5_hex(text))
            return std::nullopt;
        Md5Digest& digest = parts.emplace_back();
        for (std::size_t i = 0; i < digest.size(); ++i)
            digest[i] = static_cast<unsigned char>(std::stoul(text.substr(2 * i, 2), nullptr, 16));
    }
    return etag_of_parts(parts);
}

std::uint64_t part_count(std::uint64_t size, std::uint64_t part_size)
{
    return size == 0 ? 1 : (size + part_size - 1) / part_size;
}

std::optional<std::uint64_t> etag_part_size(std::string_view etag, std::uint64_t size, std::uint64_t our_part_size)
{
    if (is_md5_hex(etag))
        return 0;
    auto dash = etag.find('-');
    if (dash == std::string_view::npos || !is_md5_hex(etag.substr(0, dash)))
        return std::nullopt;
    std::uint64_t parts = 0;
    for (char c : etag.substr(dash + 1)) {
        if (c < '0' || c > '9' || parts > 100000)
            return std::nullopt;
        parts = parts * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (parts == 0)
        return std::nullopt;
    if (our_part_size > 0 && part_count(size, our_part_size) == parts)
        return our_part_size;
    std::uint64_t mib = (size / parts + MiB - 1) / MiB;
    if (mib > 0 && part_count(size, mib * MiB) == parts)
        return mib * MiB;
    return std::nullopt;
}

namespace {

template <typename Sink>
void read_range(int fd, const std::string& name, std::uint64_t offset, std::uint64_t length, Sink&& sink)
{
    ::posix_fadvise(fd, static_cast<off_t>(offset), static_cast<off_t>(length), POSIX_FADV_SEQUENTIAL);
    std::vector<char> buffer(1 << 20);
    while (length > 0) {
        auto want = static_cast<std::size_t>(std::min<std::uint64_t>(length, buffer.size()));
        ssize_t n = ::pread(fd, buffer.data(), want, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw std::system_error(errno, std::generic_category(), "cannot read " + name);
        if (n == 0)
            throw std::runtime_error(name + " became shorter while it was read");
        sink(buffer.data(), static_cast<std::size_t>(n));
        offset += static_cast<std::uint64_t>(n);
        length -= static_cast<std::uint64_t>(n);
    }
}

}  // namespace

std::string file_etag(int fd, const std::string& name, std::uint64_t part_size)
{
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        throw std::system_error(errno, std::generic_category(), "cannot stat " + name);
    EtagBuilder etag(part_size);
    read_range(fd, name, 0, static_cast<std::uint64_t>(st.st_size),
               [&](const char* data, std::size_t n) { etag.update(data, n); });
    return etag.finish();
}

void hash_file_range(int fd, const std::string& name, std::uint64_t offset, std::uint64_t length, EtagBuilder& etag)
{
    read_range(fd, name, offset, length, [&](const char* data, std::size_t n) { etag.update(data, n); });
}

Md5Digest file_range_md5(int fd, const std::string& name, std::uint64_t offset, std::uint64_t length)
{
    Md5 m;
    read_range(fd, name, offset, length, [&](const char* data, std::size_t n) { m.update(data, n); });
    return m.finish();
}

}  // namespace b2c::s3
