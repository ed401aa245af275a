#include <catch2/catch.hpp>

#include <fcntl.h>

#include <fstream>

#include "common/units.h"
#include "common/unique_fd.h"
#include "storage/s3/digest.h"

using namespace b2c::s3;

TEST_CASE("MD5, SHA-256 and base64 give the standard test vectors")
{
    CHECK(hex(md5("")) == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(hex(md5("abc")) == "900150983cd24fb0d6963f7d28e17f72");
    CHECK(base64(md5("")) == "1B2M2Y8AsgTpgAmY7PhCfg==");
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("Welcome to Amazon S3.") == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    CHECK(b2c::encode_base64("f") == "Zg==");
    CHECK(b2c::encode_base64("foobar") == "Zm9vYmFy");
    CHECK(b2c::decode_base64("Zm9vYg==", b2c::Padding::required) == std::optional<std::string>("foob"));
    CHECK(b2c::decode_base64("Zm9vYmE=", b2c::Padding::required) == std::optional<std::string>("fooba"));
    CHECK_FALSE(b2c::decode_base64("Zm9", b2c::Padding::required).has_value());
    CHECK_FALSE(b2c::decode_base64("Zm9v!!==", b2c::Padding::required).has_value());
}

TEST_CASE("a multipart ETag is the MD5 of the parts' MD5s, with their count")
{
    std::string data(10, 'x');
    EtagBuilder plain;
    plain.update(data.data(), data.size());
    CHECK(plain.finish() == hex(md5(data)));

    EtagBuilder parts(4);  // parts "xxxx" "xxxx" "xx", fed in odd pieces
    parts.update(data.data(), 3);
    parts.update(data.data() + 3, 7);
    std::string md5s = "";
    for (auto part : {"xxxx", "xxxx", "xx"}) {
        auto d = md5(part);
        md5s.append(reinterpret_cast<const char*>(d.data()), d.size());
    }
    CHECK(parts.finish() == hex(md5(md5s)) + "-3");
    CHECK(parts.size() == 10);

    EtagBuilder exact(5);  // no empty trailing part
    exact.update(data.data(), data.size());
    CHECK(exact.finish().substr(32) == "-2");
}

TEST_CASE("the part size that explains an ETag")
{
    using b2c::MiB;
    CHECK(etag_part_size("d41d8cd98f00b204e9800998ecf8427e", 0, 16 * MiB) == std::optional<std::uint64_t>(0));
    // 70 MiB in our 16 MiB parts: 5 parts.
    CHECK(etag_part_size("0123456789abcdef0123456789abcdef-5", 70 * MiB, 16 * MiB) == 16 * MiB);
    // 70 MiB in 8 MiB parts (the AWS CLI's): 9 parts, not ours.
    CHECK(etag_part_size("0123456789abcdef0123456789abcdef-9", 70 * MiB, 16 * MiB) == 8 * MiB);
    CHECK_FALSE(etag_part_size("not-an-md5", 10, 16 * MiB));
    CHECK_FALSE(etag_part_size("0123456789abcdef0123456789abcdef-0", 10, 16 * MiB));
    CHECK_FALSE(etag_part_size("0123456789abcdef0123456789abcdef-x", 10, 16 * MiB));
    CHECK(part_count(0, 16) == 1);
    CHECK(part_count(32, 16) == 2);
    CHECK(part_count(33, 16) == 3);
}

TEST_CASE("file ETags and range MD5s read the file")
{
    auto path = std::filesystem::temp_directory_path() / "b2c-unit-s3-digest";
    std::ofstream(path) << "0123456789";
    b2c::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    CHECK(file_etag(fd.get(), path.string(), 0) == hex(md5("0123456789")));
    EtagBuilder expected(4);
    expected.update("0123456789", 10);
    CHECK(file_etag(fd.get(), path.string(), 4) == expected.finish());
    CHECK(hex(file_range_md5(fd.get(), path.string(), 2, 5)) == hex(md5("23456")));
    std::filesystem::remove(path);
    CHECK_THROWS_WITH(file_etag(-1, path.string(), 0), Catch::Contains("b2c-unit-s3-digest"));
}
