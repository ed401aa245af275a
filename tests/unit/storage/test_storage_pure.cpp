// The pure parts of storage/fscrypt, storage/swap_header and storage/swap_device.
#include <algorithm>
#include <cstring>
#include <catch2/catch.hpp>

#include "cmdline/config.h"
#include "storage/bring_up.h"
#include "storage/fscrypt.h"
#include "storage/swap_device.h"
#include "storage/swap_header.h"

using namespace b2c::storage;

namespace {

std::uint32_t u32_at(const std::vector<std::uint8_t>& page, std::size_t offset)
{
    std::uint32_t value;
    std::memcpy(&value, page.data() + offset, sizeof(value));
    return value;
}

}  // namespace

TEST_CASE("our fscrypt policy: v2, AES-256-XTS, AES-256-CTS, padding 32, the key's identifier")
{
    FscryptKeyId id{};
    for (std::size_t i = 0; i < id.size(); ++i)
        id[i] = static_cast<std::uint8_t>(0xa0 + i);
    auto policy = make_policy_v2(id);
    CHECK(policy.version == 2);
    CHECK(policy.contents_encryption_mode == 1);   // FSCRYPT_MODE_AES_256_XTS
    CHECK(policy.filenames_encryption_mode == 4);  // FSCRYPT_MODE_AES_256_CTS
    CHECK(policy.flags == 0x03);                   // FSCRYPT_POLICY_FLAGS_PAD_32
    CHECK(std::memcmp(policy.master_key_identifier, id.data(), id.size()) == 0);
    const std::uint8_t zero[4] = {};
    CHECK(std::memcmp(policy.__reserved, zero, sizeof(zero)) == 0);
    CHECK(sizeof(policy) == 24);  // what the kernel reads for version 2
    CHECK(to_hex(id) == "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
}

TEST_CASE("a swap header is one page that the kernel and blkid recognise")
{
    SwapUuid uuid{};
    for (std::size_t i = 0; i < uuid.size(); ++i)
        uuid[i] = static_cast<std::uint8_t>(i + 1);
    auto page = make_swap_header(64u << 20, 4096, uuid);
    REQUIRE(page.size() == 4096);
    CHECK(std::string(page.end() - 10, page.end()) == "SWAPSPACE2");
    CHECK(u32_at(page, 1024) == 1);          // version
    CHECK(u32_at(page, 1028) == 16384 - 1);  // last_page
    CHECK(u32_at(page, 1032) == 0);          // nr_badpages
    CHECK(std::equal(uuid.begin(), uuid.end(), page.begin() + 1036));
    // The boot sector, the label and the bad-page list are zero.
    CHECK(std::all_of(page.begin(), page.begin() + 1024, [](auto b) { return b == 0; }));
    CHECK(std::all_of(page.begin() + 1052, page.end() - 10, [](auto b) { return b == 0; }));
}

TEST_CASE("a swap header counts whole pages of the machine's size")
{
    SwapUuid uuid{};
    CHECK(u32_at(make_swap_header((64u << 20) + 4095, 4096, uuid), 1028) == 16384 - 1);
    auto big_pages = make_swap_header(1u << 30, 65536, uuid);
    CHECK(big_pages.size() == 65536);
    CHECK(u32_at(big_pages, 1028) == 16384 - 1);
    CHECK(std::string(big_pages.end() - 10, big_pages.end()) == "SWAPSPACE2");
    CHECK(u32_at(make_swap_header(8ull << 30, 4096, uuid), 1028) == (8u << 18) - 1);
}

TEST_CASE("a swap header refuses sizes the kernel would refuse")
{
    SwapUuid uuid{};
    CHECK_THROWS_WITH(make_swap_header(9 * 4096, 4096, uuid), Catch::Contains("too small"));
    CHECK_NOTHROW(make_swap_header(10 * 4096, 4096, uuid));
    CHECK_THROWS_WITH(make_swap_header((1ull << 32) * 4096 + 4096, 4096, uuid), Catch::Contains("too large"));
    CHECK_THROWS(make_swap_header(1u << 20, 1000, uuid));
}

TEST_CASE("swap UUIDs are random version-4 UUIDs")
{
    auto a = random_uuid();
    auto b = random_uuid();
    CHECK(a != b);
    CHECK((a[6] & 0xf0) == 0x40);
    CHECK((a[8] & 0xc0) == 0x80);
}

TEST_CASE("the storage asks for the CPU's AES only when a volume is encrypted")
{
    auto needed = [](const std::string& cmdline) {
        return b2c::storage::modules_needed(b2c::cmdline::parse_config(cmdline).storage);
    };
    auto has = [](const std::vector<std::string>& modules, const std::string& name) {
        return std::find(modules.begin(), modules.end(), name) != modules.end();
    };
    CHECK_FALSE(has(needed("b2c.volume=plain"), "crypto-aes"));
    auto encrypted = needed("b2c.volume=secret,fscrypt_key=" + std::string(86, 'A') + "==");
    CHECK(has(encrypted, "crypto-aes"));
    CHECK(has(encrypted, "overlay"));
}

TEST_CASE("what a device given to b2c.swap holds, in words")
{
    CHECK(describe_signatures({{"ext4", "filesystem", "u"}}) == "an ext4 file system");
    CHECK(describe_signatures({{"vfat", "filesystem", ""}}) == "a vfat file system");
    CHECK(describe_signatures(
              {{"gpt", "partition table", ""}, {"gpt", "partition table", ""}, {"PMBR", "partition table", ""}}) ==
          "a gpt partition table and a PMBR partition table");
    CHECK(describe_signatures({{"LVM2_member", "raid", ""}, {"crypto_LUKS", "crypto", ""}, {"swap", "other", ""}}) ==
          "a RAID or LVM member (LVM2_member), an encrypted volume (crypto_LUKS) and a swap area");
    CHECK(describe_signatures({{"", "", ""}}) == "an unnamed signature");
    CHECK(describe_signatures({}) == "nothing");
}
