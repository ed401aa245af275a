#include "pipeline/runtime.h"

#include <exception>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>

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

void Runtime::default_sleep(std::chrono::seconds duration)
{
    std::this_thread::sleep_for(duration);
}

storage::Mount Runtime::default_mount(const storage::MountSpec& spec)
{
    return storage::Mount(spec);
}

storage::FscryptKey Runtime::default_encrypt(const std::string& dir, const std::string& raw_key, bool reset)
{
    return storage::ensure_encrypted_directory(dir, raw_key, reset);
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
