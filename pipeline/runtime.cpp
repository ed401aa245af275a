#include "pipeline/runtime.h"

#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/text.h"
#include "netcfg/http_download.h"
#include "pipeline/pod_cgroup.h"

namespace b2c::pipeline {

CommandResult Runtime::run(std::vector<std::string> argv, std::chrono::seconds timeout) const
{
    Command cmd;
    cmd.argv = std::move(argv);
    cmd.timeout = timeout;
    return run(std::move(cmd));
}

CommandResult Runtime::run(Command cmd) const
{
    cmd.secrets.insert(cmd.secrets.end(), secrets.begin(), secrets.end());
    try {
        return execute(cmd);
    } catch (const std::exception& e) {
        CommandResult result;
        result.exit_code = 127;
        result.output = redact(e.what(), cmd.secrets);
        spdlog::error("{}", result.output);
        return result;
    }
}

std::string Runtime::default_fetch(const std::string& url)
{
    constexpr std::size_t max_bytes = 1 << 20;  // a pod's YAML, like a list of options
    constexpr std::string_view file_scheme = "file://";
    if (!url.starts_with(file_scheme)) {
        netcfg::DownloadOptions options;
        options.max_bytes = max_bytes;
        return netcfg::http_get(url, options);
    }
    const auto path = url.substr(file_scheme.size());
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
    std::string body(max_bytes + 1, '\0');
    in.read(body.data(), static_cast<std::streamsize>(body.size()));
    if (in.bad())
        throw std::runtime_error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    body.resize(static_cast<std::size_t>(in.gcount()));
    if (body.size() > max_bytes)
        throw std::runtime_error(fmt::format("{} is bigger than {} bytes", path, max_bytes));
    return body;
}

int Runtime::default_lift_device_filter(const std::string& cgroup_dir)
{
    return pipeline::lift_device_filter(cgroup_dir);
}

// The bytes received by every interface but the loopback (/proc/net/dev).
std::uint64_t Runtime::default_received_bytes()
{
    std::ifstream dev("/proc/net/dev");
    std::uint64_t total = 0;
    std::string line;
    while (std::getline(dev, line)) {
        auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        auto name = trim(std::string_view(line).substr(0, colon));
        std::istringstream fields(line.substr(colon + 1));
        std::uint64_t bytes = 0;
        if (name != "lo" && fields >> bytes)
            total += bytes;
    }
    return total;
}

void Runtime::default_sleep(std::chrono::seconds duration)
{
    std::this_thread::sleep_for(duration);
}

namespace {

struct Release {
    std::function<void()> release;
    ~Release()
    {
        if (release)
            release();
    }
};

}  // namespace

Hold Hold::on_release(std::function<void()> release)
{
    Hold hold;
    auto held = std::make_shared<Release>();
    held->release = std::move(release);
    hold.held_ = std::move(held);
    return hold;
}

Hold Runtime::default_mount(const storage::MountSpec& spec)
{
    return Hold(storage::Mount(spec));
}

Hold Runtime::default_encrypt(const std::string& dir, const std::string& raw_key, bool reset)
{
    return Hold(storage::ensure_encrypted_directory(dir, raw_key, reset));
}

bool Runtime::default_is_encrypted(const std::string& dir)
{
    return storage::directory_encryption(dir).state != storage::DirectoryEncryption::State::none;
}

s3::MirrorReport Runtime::default_mirror(MirrorDirection direction, const std::string& dir,
                                         const s3::Location& location, const s3::MirrorOptions& options)
{
    return direction == MirrorDirection::pull ? s3::pull(location, dir, options) : s3::push(dir, location, options);
}

}  // namespace b2c::pipeline
