#include "storage/mounts.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>

#include <libmount/libmount.h>
#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "common/text.h"

namespace b2c::storage {

namespace {

struct MountContextDeleter {
    void operator()(libmnt_context* cxt) const { mnt_free_context(cxt); }
};
using MountContext = std::unique_ptr<libmnt_context, MountContextDeleter>;

MountContext new_context()
{
    MountContext cxt(mnt_new_context());
    if (!cxt)
        throw std::runtime_error("libmount: cannot allocate a mount context (out of memory?)");
    return cxt;
}

bool has_option(const std::vector<std::string>& options, std::string_view key)
{
    for (const auto& option : options)
        if (option.substr(0, option.find('=')) == key)
            return true;
    return false;
}

// libmount's own explanation of a failed mount or umount.
std::string context_error(libmnt_context* cxt, int rc)
{
    char buf[BUFSIZ] = {};
    mnt_context_get_excode(cxt, rc, buf, sizeof(buf));
    if (buf[0])
        return buf;
    int err = rc < 0 ? -rc : errno;
    return err ? error_text(err) : "unknown error";
}

}  // namespace

std::string mount_options(const cmdline::FilesystemConfig& filesystem)
{
    auto options = filesystem.options;
    if (filesystem.type == "9p") {
        if (!has_option(options, "trans"))
            options.emplace_back("trans=virtio");
        if (!has_option(options, "version"))
            options.emplace_back("version=9p2000.L");
    }
    return join(options, ",");
}

MountSpec filesystem_mount_spec(const cmdline::FilesystemConfig& filesystem, std::string target)
{
    return {filesystem.source, std::move(target), filesystem.type, mount_options(filesystem)};
}

Mount::Mount(const MountSpec& spec)
{
    auto cxt = new_context();
    mnt_context_set_source(cxt.get(), spec.source.c_str());
    mnt_context_set_target(cxt.get(), spec.target.c_str());
    if (!spec.fstype.empty())
        mnt_context_set_fstype(cxt.get(), spec.fstype.c_str());
    if (!spec.options.empty())
        mnt_context_set_options(cxt.get(), spec.options.c_str());
    errno = 0;
    int rc = mnt_context_mount(cxt.get());
    if (rc != 0 || mnt_context_get_status(cxt.get()) != 1)
        throw std::runtime_error(fmt::format("cannot mount {} on {} (type {}, options '{}'): {}", spec.source,
                                             spec.target, spec.fstype.empty() ? "auto" : spec.fstype, spec.options,
                                             context_error(cxt.get(), rc)));
    target_ = spec.target;
    spdlog::info("mounted {} on {}", spec.source, spec.target);
}

Mount::~Mount()
{
    unmount();
}

Mount::Mount(Mount&& other) noexcept : target_(std::exchange(other.target_, {}))
{
}

Mount& Mount::operator=(Mount&& other) noexcept
{
    if (this != &other) {
        unmount();
        target_ = std::exchange(other.target_, {});
    }
    return *this;
}

void Mount::unmount() noexcept
{
    if (target_.empty())
        return;
    auto target = std::exchange(target_, {});
    try {
        for (bool lazy : {false, true}) {
            auto cxt = new_context();
            mnt_context_set_target(cxt.get(), target.c_str());
            mnt_context_enable_lazy(cxt.get(), lazy);
            errno = 0;
            int rc = mnt_context_umount(cxt.get());
            if (rc == 0 && mnt_context_get_status(cxt.get()) == 1) {
                spdlog::info("unmounted {}{}", target, lazy ? " (lazily: it was busy)" : "");
                return;
            }
            spdlog::warn("cannot unmount {}{}: {}", target, lazy ? " lazily" : "", context_error(cxt.get(), rc));
        }
    } catch (const std::exception& e) {
        spdlog::warn("cannot unmount {}: {}", target, e.what());
    }
}

}  // namespace b2c::storage
