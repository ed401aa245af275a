#include "init/modules.h"

#include <libkmod.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "common/errors.h"

namespace b2c::init {
namespace {

struct ListDeleter {
    void operator()(kmod_list* list) const { kmod_module_unref_list(list); }
};
using ModuleList = std::unique_ptr<kmod_list, ListDeleter>;

std::set<std::string> read_modaliases()
{
    std::set<std::string> aliases;
    std::error_code ec;
    auto options = std::filesystem::directory_options::skip_permission_denied;
    for (std::filesystem::recursive_directory_iterator it("/sys/devices", options, ec), end; it != end;
         it.increment(ec)) {
        if (ec)
            break;
        if (it->is_symlink(ec)) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->path().filename() != "modalias")
            continue;
        std::ifstream file(it->path());
        std::string alias;
        if (std::getline(file, alias) && !alias.empty())
            aliases.insert(alias);
    }
    return aliases;
}

}  // namespace

ModuleLoader::ModuleLoader(const std::vector<std::string>& dirs)
{
    if (dirs.empty())
        throw std::runtime_error(fmt::format("no modules folder for Linux {}", kernel_release()));
    for (const auto& dir : dirs) {
        contexts_.emplace_back(kmod_new(dir.c_str(), nullptr));
        if (!contexts_.back())
            throw std::runtime_error(fmt::format("libkmod: cannot create a context for {}", dir));
        kmod_load_resources(contexts_.back().get());
    }
}

void ModuleLoader::Unref::operator()(::kmod_ctx* ctx) const
{
    kmod_unref(ctx);
}

Result<void> ModuleLoader::load(const std::string& name_or_alias)
{
    kmod_list* raw = nullptr;
    for (const auto& ctx : contexts_) {
        if (kmod_module_new_from_lookup(ctx.get(), name_or_alias.c_str(), &raw) < 0)
            return failure("module index lookup failed");
        if (raw)
            break;
    }
    ModuleList list(raw);
    if (!raw)
        return failure("no such module");
    bool loaded = false;
    std::string error;
    kmod_list* item;
    kmod_list_foreach(item, raw)
    {
        auto* mod = kmod_module_get_module(item);
        int rc = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST, nullptr, nullptr, nullptr, nullptr);
        if (rc >= 0 || rc == -EEXIST)
            loaded = true;
        else
            error = fmt::format("{}: {}", kmod_module_get_name(mod), error_text(-rc));
        kmod_module_unref(mod);
    }
    if (!loaded)
        return failure(error);
    return {};
}

int ModuleLoader::load_drivers_for_all_devices()
{
    std::set<std::string> seen;
    int matched = 0;
    for (int pass = 0; pass < 4; ++pass) {
        auto aliases = read_modaliases();
        bool new_devices = false;
        for (const auto& alias : aliases) {
            if (!is_device_modalias(alias) || !seen.insert(alias).second)
                continue;
            new_devices = true;
            if (load(alias))
                ++matched;
        }
        if (!new_devices)
            break;
    }
    return matched;
}

bool is_device_modalias(const std::string& modalias)
{
    return !modalias.starts_with("cpu:");
}

std::string kernel_release()
{
    utsname uts{};
    uname(&uts);
    return uts.release;
}

std::vector<std::string> module_dirs(const std::string& release, const std::string& root)
{
    namespace fs = std::filesystem;
    std::vector<std::string> dirs;
    std::error_code ec;
    for (const char* parent : {"lib/modules", "usr/lib/modules"}) {
        auto dir = fs::path(root) / parent / release;
        if (!fs::exists(dir / "modules.dep.bin", ec) && !fs::exists(dir / "modules.dep", ec))
            continue;
        bool seen =
            std::any_of(dirs.begin(), dirs.end(), [&](const std::string& d) { return fs::equivalent(d, dir, ec); });
        if (!seen)
            dirs.push_back(dir.string());
    }
    return dirs;
}

std::optional<MissingModules> missing_modules(const std::string& release, const std::string& root)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(fs::path(root) / "proc/modules", ec))
        return MissingModules{false, fmt::format("Linux {} was built without module support: its drivers are built in, "
                                                 "no modules archive is needed",
                                                 release)};
    if (!module_dirs(release, root).empty())
        return std::nullopt;
    std::set<std::string> others;
    for (const char* parent : {"lib/modules", "usr/lib/modules"})
        for (fs::directory_iterator it(fs::path(root) / parent, ec), end; !ec && it != end; it.increment(ec))
            if (it->is_directory(ec) && it->path().filename() != release)
                others.insert(it->path().filename().string());
    std::string hint = fmt::format("add modules-{}.cpio.zst (or .xz) as a second initrd after the initramfs", release);
    if (others.empty())
        return MissingModules{false, fmt::format("no kernel modules for Linux {} in the initramfs: only the drivers "
                                                 "built into the kernel work ({})",
                                                 release, hint)};
    return MissingModules{true, fmt::format("the initramfs holds the modules of Linux {} but this is Linux {}: "
                                            "none loaded ({})",
                                            fmt::join(others, ", "), release, hint)};
}

int modprobe_main(int argc, char** argv)
{
    int status = 0;
    try {
        ModuleLoader loader;
        for (int i = 1; i < argc; ++i) {
            if (argv[i][0] == '-')
                continue;  // -q, --, -b: nothing to do differently
            if (!loader.load(argv[i]))
                status = 1;
        }
    } catch (const std::exception&) {
        status = 1;
    }
    return status;
}

}  // namespace b2c::init
