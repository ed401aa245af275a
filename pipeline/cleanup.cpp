#include "pipeline/cleanup.h"

#include <spdlog/spdlog.h>

#include "common/text.h"
#include "pipeline/podman_args.h"

namespace b2c::pipeline {

void clean_up(const Runtime& runtime)
{
    for (auto argv : {remove_all_containers_argv(), prune_dangling_images_argv()}) {
        Command cmd;
        cmd.argv = argv;
        cmd.timeout = std::chrono::seconds{300};
        if (auto result = runtime.run(std::move(cmd)); !result.ok())
            spdlog::warn("clean-up: '{}' failed (exit code {}): {}", format_command_line(argv), result.exit_code,
                         trim(result.output));
    }
}

}  // namespace b2c::pipeline
