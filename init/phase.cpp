#include "init/phase.h"

#include <spdlog/spdlog.h>

#include "common/log.h"

namespace b2c::init {

bool run_phase(const std::string& id, const std::string& title, const std::function<void()>& body)
{
    double start = uptime_seconds();
    bool ok = true;
    {
        Section section(id, title);
        try {
            body();
        } catch (const std::exception& e) {
            spdlog::error("{}: {}", title, e.what());
            ok = false;
        }
    }
    spdlog::info("{}: {} in {:.2f} s", title, ok ? "done" : "FAILED", uptime_seconds() - start);
    return ok;
}

}  // namespace b2c::init
