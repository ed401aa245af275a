#include "init/phase.h"

#include <spdlog/spdlog.h>

#include "common/log.h"
#include "init/boot_report.h"

namespace b2c::init {

bool run_phase(const std::string& id, const std::string& title, std::chrono::seconds limit,
               const std::function<void()>& body)
{
    double start = uptime_seconds();
    bool ok = true;
    watch_step(title, limit);
    {
        Section section(id, title);
        try {
            body();
        } catch (const std::exception& e) {
            spdlog::error("{}: {}", title, e.what());
            ok = false;
        }
    }
    watch_step(title, std::chrono::seconds(0));
    spdlog::info("{}: {} in {:.2f} s", title, ok ? "done" : "FAILED", uptime_seconds() - start);
    return ok;
}

}  // namespace b2c::init
