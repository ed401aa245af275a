#include "pipeline/runtime.h"

#include <exception>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>

#include "common/text.h"

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
