#include "pipeline/logins.h"

#include <spdlog/spdlog.h>

#include "common/text.h"
#include "pipeline/podman_args.h"

namespace b2c::pipeline {

void log_in(const Runtime& runtime, const std::vector<cmdline::RegistryLogin>& logins)
{
    for (const auto& login : logins) {
        Command cmd;
        cmd.argv = login_argv(login);
        cmd.stdin_data = login.password;
        cmd.secrets = {login.password};
        cmd.timeout = std::chrono::seconds{120};
        auto result = runtime.run(std::move(cmd));
        if (result.ok())
            spdlog::info("logged in to {} as {}", login.registry, login.username);
        else
            spdlog::error("cannot log in to {} as {} (exit code {}): {}; pulls that need it will "
                          "fail",
                          login.registry, login.username, result.exit_code,
                          redact(std::string(trim(result.output)), runtime.secrets));
    }
}

}  // namespace b2c::pipeline
