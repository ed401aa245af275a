// The kernel's fscrypt (policy v2) through its ioctls: keys added to a file
// system's keyring, encrypted directories. No external tool.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <linux/fscrypt.h>

#include "cmdline/config.h"
#include "common/unique_fd.h"

namespace b2c::storage {

using cmdline::fscrypt_key_bytes;

// The kernel's name of a v2 key: a hash of the key, safe to log.
using FscryptKeyId = std::array<std::uint8_t, FSCRYPT_KEY_IDENTIFIER_SIZE>;
std::string to_hex(const FscryptKeyId& id);

// The policy of our encrypted directories: v2, AES-256-XTS contents,
// AES-256-CTS names, names padded to 32 bytes (hides their lengths best).
fscrypt_policy_v2 make_policy_v2(const FscryptKeyId& id);

// A key in the keyring of one file system, removed from it when the object
// dies (the directories it unlocked show encrypted names again). A
// default-built key holds nothing (used by tests that fake encryption).
class FscryptKey {
public:
    FscryptKey() = default;
    // Adds `raw` (64 bytes) to the keyring of the file system holding
    // `path`. When this user had already added that key, the object does not
    // own it and leaves it in place. Throws std::runtime_error.
    static FscryptKey add(const std::string& path, std::string_view raw);
    ~FscryptKey();
    FscryptKey(FscryptKey&& other) noexcept;
    FscryptKey& operator=(FscryptKey&& other) noexcept;
    FscryptKey(const FscryptKey&) = delete;
    FscryptKey& operator=(const FscryptKey&) = delete;

    // Removes the key now; logs failures and files still in use.
    void remove() noexcept;
    const FscryptKeyId& identifier() const { return id_; }

private:
    // An fd on a directory of the file system (never an encrypted one: an
    // open encrypted inode would keep the key in use). Closed by remove().
    UniqueFd fs_fd_;
    std::string path_;  // for the logs
    FscryptKeyId id_{};
    bool owned_ = false;
};

// What a directory's fscrypt policy says.
struct DirectoryEncryption {
    enum class State { none, v1, v2 };
    State state = State::none;
    FscryptKeyId id{};  // for v2
};

// The policy of `dir`; State::none also when the directory does not exist
// or its file system has no fscrypt at all. Throws on other errors.
DirectoryEncryption directory_encryption(const std::string& dir);

// Adds `raw_key` to the keyring of dir's file system and makes `dir` an
// encrypted directory of that key, so that its content reads in plain:
// - a missing or empty directory without a policy gets our v2 policy;
// - an encrypted directory must be of this key;
// - otherwise (another key, a v1 policy, unencrypted files): an error, or
//   with `reset`, the directory is deleted with everything in it (readable
//   or not) and made afresh, same owner and mode, with our policy.
// The key stays in the keyring while the returned object lives. Throws
// std::runtime_error with a message naming `dir`, never the key.
FscryptKey ensure_encrypted_directory(const std::string& dir, std::string_view raw_key, bool reset);

}  // namespace b2c::storage
