// MD5 and SHA-256 (OpenSSL), base64 and hex, and S3 ETags: an object's ETag
// is the MD5 of its content, or for a multipart upload the MD5 of its parts'
// MD5s followed by "-N" (N parts). Neither is of an SSE-C object's content.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base64.h"

namespace b2c::s3 {

using Md5Digest = std::array<unsigned char, 16>;

// Incremental MD5 (RAII over an OpenSSL EVP context).
class Md5 {
public:
    Md5();
    ~Md5();
    Md5(const Md5&) = delete;
    Md5& operator=(const Md5&) = delete;
    void update(const void* data, std::size_t size);
    Md5Digest finish();  // and starts again, empty

private:
    struct Context;
    std::unique_ptr<Context> context_;
};

Md5Digest md5(std::string_view data);
std::string sha256_hex(std::string_view data);
std::string hex(const unsigned char* data, std::size_t size);
template <std::size_t N>
std::string hex(const std::array<unsigned char, N>& d)
{
    return hex(d.data(), N);
}
template <std::size_t N>
std::string base64(const std::array<unsigned char, N>& d)
{
    return encode_base64(std::string_view(reinterpret_cast<const char*>(d.data()), N));
}

// The ETag a stream of bytes gets from an upload in parts of `part_size`
// (0: one plain PUT). Fed as the bytes come; finish() gives the ETag.
class EtagBuilder {
public:
    explicit EtagBuilder(std::uint64_t part_size = 0) : part_size_(part_size) {}
    void update(const void* data, std::size_t size);
    std::string finish();
    std::uint64_t size() const { return total_; }

private:
    std::uint64_t part_size_;
    std::uint64_t total_ = 0, in_part_ = 0;
    Md5 whole_, part_;
    std::vector<Md5Digest> parts_;
};

// The ETag of an upload in parts whose MD5s are `parts`: the MD5 of their
// digests, then "-N"; nullopt when one of them is no MD5 in hex.
std::optional<std::string> multipart_etag(const std::vector<std::string>& part_md5s_hex);

// The part size an ETag was made with, for comparing it with local data:
// 0 for a plain MD5, `our_part_size` when it explains "-N" for `size`
// bytes, else the smallest whole MiB that does (what mc, rclone and the AWS
// CLI use); nullopt when the ETag is no MD5 at all or nothing explains it.
std::optional<std::uint64_t> etag_part_size(std::string_view etag, std::uint64_t size, std::uint64_t our_part_size);

// Number of parts of `size` bytes in `part_size` pieces (at least 1).
std::uint64_t part_count(std::uint64_t size, std::uint64_t part_size);

// The ETag of an open local file uploaded in parts of `part_size` (0:
// plain MD5). Throws std::system_error naming the file (`name`) when it
// cannot be read.
std::string file_etag(int fd, const std::string& name, std::uint64_t part_size);

// Feeds bytes [offset, offset + length) of an open file to `etag`. Throws
// std::system_error or std::runtime_error naming the file when it cannot.
void hash_file_range(int fd, const std::string& name, std::uint64_t offset, std::uint64_t length, EtagBuilder& etag);

// MD5 of bytes [offset, offset + length) of an open file.
Md5Digest file_range_md5(int fd, const std::string& name, std::uint64_t offset, std::uint64_t length);

}  // namespace b2c::s3
