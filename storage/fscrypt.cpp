#include "storage/fscrypt.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "storage/fs_type.h"

namespace b2c::storage {

namespace {

namespace fs = std::filesystem;

UniqueFd open_directory(const std::string& path)
{
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        throw std::runtime_error(fmt::format("cannot open the directory {}: {}", path, error_text(errno)));
    return fd;
}

// The sentence for an fscrypt ioctl refused because the file system (or the
// kernel) has no encryption at all.
std::string no_encryption_support(const std::string& path, int fd, int err)
{
    auto type = file_system_type(fd);
    if (type == "ext4")
        return fmt::format("the file system of {} (ext4) has no encryption support ({}): format it with "
                           "mkfs.ext4 -O encrypt, or enable it with tune2fs -O encrypt while it is unmounted "
                           "(the kernel also needs CONFIG_FS_ENCRYPTION)",
                           path, error_text(err));
    return fmt::format("the file system of {} ({}) cannot hold fscrypt directories ({}): put the volume on an "
                       "ext4 file system made with mkfs.ext4 -O encrypt (b2c.cache_device, or a filesystem=)",
                       path, type, error_text(err));
}

bool is_no_support(int err)
{
    return err == ENOTTY || err == EOPNOTSUPP;
}

// Keys this process added, per file system: two volumes of one file system
// may share a key, and the kernel keeps one copy per user, so the key is
// removed only when its last FscryptKey dies.
struct Claims {
    std::mutex mutex;
    std::map<std::pair<dev_t, FscryptKeyId>, int> count;
};

Claims& claims()
{
    static Claims instance;
    return instance;
}

dev_t device_of(int fd)
{
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        throw std::runtime_error(fmt::format("fstat: {}", error_text(errno)));
    return st.st_dev;
}

void set_policy(const std::string& dir, const FscryptKeyId& id)
{
    auto fd = open_directory(dir);
    auto policy = make_policy_v2(id);
    if (::ioctl(fd.get(), FS_IOC_SET_ENCRYPTION_POLICY, &policy) == 0)
        return;
    int err = errno;
    if (is_no_support(err))
        throw std::runtime_error(no_encryption_support(dir, fd.get(), err));
    if (err == ENOTEMPTY)
        throw std::runtime_error(fmt::format("cannot encrypt {}: it is not empty", dir));
    if (err == EEXIST)
        throw std::runtime_error(fmt::format("cannot encrypt {}: it is already encrypted", dir));
    if (err == EPERM)
        throw std::runtime_error(
            fmt::format("cannot encrypt {}: refused (a file system's root directory cannot be encrypted)", dir));
    throw std::runtime_error(fmt::format("cannot set the fscrypt policy of {}: {}", dir, error_text(err)));
}

// Creates a nameless file in the unlocked directory: the kernel then needs
// every cipher of the policy, so a missing crypto module shows here and not
// at the first write of a container.
void check_ciphers(const std::string& dir)
{
    int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return;
    }
    int err = errno;
    if (err == EOPNOTSUPP || err == EISDIR)  // no O_TMPFILE here: nothing to learn
        return;
    if (err == ENOPKG)
        throw std::runtime_error(
            fmt::format("cannot create files in {}: the kernel lacks a cipher of the policy (AES-256-XTS, "
                        "AES-256-CTS, HMAC-SHA512): the modules xts, cts and sha512_generic must be loadable",
                        dir));
    throw std::runtime_error(
        fmt::format("cannot create files in the encrypted directory {}: {}", dir, error_text(err)));
}

bool is_empty_directory(const std::string& dir)
{
    std::error_code ec;
    auto it = fs::directory_iterator(dir, ec);
    if (ec)
        throw std::runtime_error(fmt::format("cannot list {}: {}", dir, ec.message()));
    return it == fs::directory_iterator();
}

// Deletes `dir` with everything in it, then makes it again, empty, with its
// owner and mode. Names without the key are the kernel's no-key names, which
// unlink() accepts, so nothing needs to be readable.
void recreate_directory(const std::string& dir, const struct stat& st)
{
    std::error_code ec;
    auto removed = fs::remove_all(dir, ec);
    if (ec)
        throw std::runtime_error(fmt::format("cannot wipe {}: {}", dir, ec.message()));
    if (::mkdir(dir.c_str(), 0700) != 0)
        throw std::runtime_error(fmt::format("cannot make {} again: {}", dir, error_text(errno)));
    if (::chown(dir.c_str(), st.st_uid, st.st_gid) != 0 || ::chmod(dir.c_str(), st.st_mode & 07777) != 0)
        throw std::runtime_error(fmt::format("cannot restore the owner and mode of {}: {}", dir, error_text(errno)));
    spdlog::warn("{}: wiped ({} entries deleted)", dir, removed > 0 ? removed - 1 : 0);
}

// The directory holding `dir`, on the same file system unless `dir` is a
// mount point.
std::string parent_of(const std::string& dir)
{
    auto path = fs::path(dir).lexically_normal();
    if (!path.has_filename())  // "/a/b/" normalises to "/a/b/"
        path = path.parent_path();
    auto parent = path.parent_path();
    return parent.empty() ? "." : parent.string();
}

}  // namespace

std::string to_hex(const FscryptKeyId& id)
{
    std::string text;
    for (auto byte : id)
        text += fmt::format("{:02x}", byte);
    return text;
}

fscrypt_policy_v2 make_policy_v2(const FscryptKeyId& id)
{
    fscrypt_policy_v2 policy{};
    policy.version = FSCRYPT_POLICY_V2;
    policy.contents_encryption_mode = FSCRYPT_MODE_AES_256_XTS;
    policy.filenames_encryption_mode = FSCRYPT_MODE_AES_256_CTS;
    policy.flags = FSCRYPT_POLICY_FLAGS_PAD_32;
    std::memcpy(policy.master_key_identifier, id.data(), id.size());
    return policy;
}

FscryptKey FscryptKey::add(const std::string& path, std::string_view raw)
{
    if (raw.size() != fscrypt_key_bytes)
        throw std::runtime_error(fmt::format("an fscrypt key must be {} bytes, not {}", fscrypt_key_bytes, raw.size()));
    FscryptKey key;
    key.fs_fd_ = open_directory(path);
    key.path_ = path;

    // fscrypt_add_key_arg ends with a flexible array: the raw key.
    alignas(fscrypt_add_key_arg) unsigned char buffer[sizeof(fscrypt_add_key_arg) + fscrypt_key_bytes] = {};
    auto* arg = reinterpret_cast<fscrypt_add_key_arg*>(buffer);
    arg->key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;  // v2: the kernel returns the identifier
    arg->raw_size = static_cast<__u32>(raw.size());
    std::memcpy(arg->raw, raw.data(), raw.size());
    int rc = ::ioctl(key.fs_fd_.get(), FS_IOC_ADD_ENCRYPTION_KEY, arg);
    int err = errno;
    std::memcpy(key.id_.data(), arg->key_spec.u.identifier, key.id_.size());
    ::explicit_bzero(buffer, sizeof(buffer));  // no copy of the key left in our memory
    if (rc != 0) {
        if (is_no_support(err))
            throw std::runtime_error(no_encryption_support(path, key.fs_fd_.get(), err));
        throw std::runtime_error(
            fmt::format("cannot add an fscrypt key to the file system of {}: {}", path, error_text(err)));
    }
    {
        auto& c = claims();
        std::lock_guard lock(c.mutex);
        ++c.count[{device_of(key.fs_fd_.get()), key.id_}];
    }
    key.owned_ = true;
    spdlog::info("fscrypt key {} added to the file system of {}", to_hex(key.id_), path);
    return key;
}

FscryptKey::~FscryptKey()
{
    remove();
}

FscryptKey::FscryptKey(FscryptKey&& other) noexcept
    : fs_fd_(std::move(other.fs_fd_)), path_(std::move(other.path_)), id_(other.id_),
      owned_(std::exchange(other.owned_, false))
{
}

FscryptKey& FscryptKey::operator=(FscryptKey&& other) noexcept
{
    if (this != &other) {
        remove();
        fs_fd_ = std::move(other.fs_fd_);
        path_ = std::move(other.path_);
        id_ = other.id_;
        owned_ = std::exchange(other.owned_, false);
    }
    return *this;
}

void FscryptKey::remove() noexcept
{
    if (!std::exchange(owned_, false))
        return;
    try {
        {
            auto& c = claims();
            std::lock_guard lock(c.mutex);
            auto it = c.count.find({device_of(fs_fd_.get()), id_});
            if (it != c.count.end() && --it->second > 0) {
                fs_fd_.reset();
                return;  // another FscryptKey of this process still needs it
            }
            if (it != c.count.end())
                c.count.erase(it);
        }
        fscrypt_remove_key_arg arg{};
        arg.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
        std::memcpy(arg.key_spec.u.identifier, id_.data(), id_.size());
        if (::ioctl(fs_fd_.get(), FS_IOC_REMOVE_ENCRYPTION_KEY, &arg) != 0) {
            int err = errno;
            if (err == ENOKEY)
                spdlog::info("fscrypt key {} was already removed from {}", to_hex(id_), path_);
            else
                spdlog::warn("cannot remove the fscrypt key {} from the file system of {}: {}", to_hex(id_), path_,
                             error_text(err));
        } else if (arg.removal_status_flags & FSCRYPT_KEY_REMOVAL_STATUS_FLAG_FILES_BUSY) {
            spdlog::warn("fscrypt key {} removed from the file system of {}, but files are still open "
                         "there: they stay readable until closed",
                         to_hex(id_), path_);
        } else {
            spdlog::info("fscrypt key {} removed from the file system of {}", to_hex(id_), path_);
        }
    } catch (const std::exception& e) {
        spdlog::warn("cannot remove the fscrypt key {} from {}: {}", to_hex(id_), path_, e.what());
    }
    fs_fd_.reset();
}

DirectoryEncryption directory_encryption(const std::string& dir)
{
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT)
            return {};
        throw std::runtime_error(fmt::format("cannot open the directory {}: {}", dir, error_text(errno)));
    }
    fscrypt_get_policy_ex_arg arg{};
    arg.policy_size = sizeof(arg.policy);
    if (::ioctl(fd.get(), FS_IOC_GET_ENCRYPTION_POLICY_EX, &arg) != 0) {
        int err = errno;
        if (err == ENODATA || is_no_support(err))
            return {};
        throw std::runtime_error(fmt::format("cannot read the fscrypt policy of {}: {}", dir, error_text(err)));
    }
    DirectoryEncryption result;
    if (arg.policy.version == FSCRYPT_POLICY_V2) {
        result.state = DirectoryEncryption::State::v2;
        std::memcpy(result.id.data(), arg.policy.v2.master_key_identifier, result.id.size());
    } else {
        result.state = DirectoryEncryption::State::v1;
    }
    return result;
}

FscryptKey ensure_encrypted_directory(const std::string& dir, std::string_view raw_key, bool reset)
{
    auto parent = parent_of(dir);
    struct stat parent_st {};
    if (::stat(parent.c_str(), &parent_st) != 0)
        throw std::runtime_error(fmt::format("cannot use {}: {}", parent, error_text(errno)));
    struct stat st {};
    bool exists = ::lstat(dir.c_str(), &st) == 0;
    if (!exists && errno != ENOENT)
        throw std::runtime_error(fmt::format("cannot use {}: {}", dir, error_text(errno)));
    if (exists && !S_ISDIR(st.st_mode))
        throw std::runtime_error(fmt::format("cannot encrypt {}: it is not a directory", dir));
    if (exists && st.st_dev != parent_st.st_dev)
        throw std::runtime_error(
            fmt::format("cannot encrypt {}: it is a mount point, and fscrypt cannot encrypt the root directory of a "
                        "file system (use a directory inside it)",
                        dir));

    // The key goes in first: the kernel wants it before it accepts a policy
    // naming it, and adding it is what tells us its identifier.
    auto key = FscryptKey::add(parent, raw_key);
    if (!exists) {
        if (::mkdir(dir.c_str(), 0755) != 0)
            throw std::runtime_error(fmt::format("cannot make the directory {}: {}", dir, error_text(errno)));
        set_policy(dir, key.identifier());
        check_ciphers(dir);
        spdlog::info("{}: new encrypted directory (fscrypt key {})", dir, to_hex(key.identifier()));
        return key;
    }

    auto current = directory_encryption(dir);
    std::string refusal;
    switch (current.state) {
    case DirectoryEncryption::State::v2:
        if (current.id == key.identifier()) {
            check_ciphers(dir);
            spdlog::info("{}: unlocked (fscrypt key {})", dir, to_hex(key.identifier()));
            return key;
        }
        refusal = fmt::format("{} is encrypted with another key (identifier {}, the key given has {}): give "
                              "the right fscrypt_key, or add fscrypt_reset_key to wipe it and start afresh",
                              dir, to_hex(current.id), to_hex(key.identifier()));
        break;
    case DirectoryEncryption::State::v1:
        refusal = fmt::format("{} is encrypted with an fscrypt v1 policy, which we do not use: add "
                              "fscrypt_reset_key to wipe it and start afresh",
                              dir);
        break;
    case DirectoryEncryption::State::none:
        if (is_empty_directory(dir)) {
            set_policy(dir, key.identifier());
            check_ciphers(dir);
            spdlog::info("{}: now encrypted (fscrypt key {})", dir, to_hex(key.identifier()));
            return key;
        }
        refusal = fmt::format("{} holds unencrypted files, and fscrypt cannot encrypt existing files: use "
                              "a new volume, or add fscrypt_reset_key to wipe it and start afresh",
                              dir);
        break;
    }
    if (!reset)
        throw std::runtime_error(refusal);
    spdlog::warn("{}: fscrypt_reset_key given, wiping it to start afresh with the key given", dir);
    recreate_directory(dir, st);
    set_policy(dir, key.identifier());
    check_ciphers(dir);
    spdlog::info("{}: encrypted afresh (fscrypt key {})", dir, to_hex(key.identifier()));
    return key;
}

}  // namespace b2c::storage
