#include "pipeline/change_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "common/guarded.h"

namespace b2c::pipeline {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// What makes a file's content or presence differ from the bucket's.
constexpr std::uint32_t watched_events =
    IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB;

UniqueFd checked(int fd, const char* what)
{
    if (fd < 0)
        throw std::runtime_error(fmt::format("cannot create {} to watch for changes: {}", what, error_text(errno)));
    return UniqueFd(fd);
}

}  // namespace

ChangeWatcher::ChangeWatcher(fs::path root, std::function<void()> on_settled, SettleTiming timing)
    : root_(std::move(root)), on_settled_(std::move(on_settled)), timing_(timing),
      inotify_(checked(inotify_init1(IN_NONBLOCK | IN_CLOEXEC), "an inotify instance")),
      wake_(checked(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), "an eventfd"))
{
    watch_tree(root_);
    if (directories_.empty())
        throw std::runtime_error(fmt::format("cannot watch {} for changes", root_.string()));
    thread_ = std::jthread([this](std::stop_token stop) {
        run_guarded(
            fmt::format("the change watcher of {} (the final push at the pipeline's end still runs)", root_.string()),
            [&] { run(stop); });
    });
}

ChangeWatcher::~ChangeWatcher()
{
    stop();
}

void ChangeWatcher::stop()
{
    if (!thread_.joinable())
        return;
    thread_.request_stop();
    const std::uint64_t one = 1;
    if (::write(wake_.get(), &one, sizeof one) < 0)
        spdlog::warn("cannot wake the change watcher of {}: {}", root_.string(), error_text(errno));
    thread_.join();
}

// A directory made after the watch began may already hold files (mkdir -p,
// cp -r): they are found by the push, which compares whole trees.
void ChangeWatcher::watch_tree(const fs::path& dir)
{
    const int wd = inotify_add_watch(inotify_.get(), dir.c_str(), watched_events | IN_ONLYDIR);
    if (wd < 0) {
        if (errno != ENOENT && errno != ENOTDIR)  // gone already: nothing to watch
            spdlog::warn("cannot watch {} for changes: {}", dir.string(), error_text(errno));
        return;
    }
    directories_[wd] = dir;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && !it->is_symlink(ec))
            watch_tree(it->path());
}

bool ChangeWatcher::read_events()
{
    bool changed = false;
    alignas(inotify_event) char buffer[16384];
    for (;;) {
        const ssize_t length = ::read(inotify_.get(), buffer, sizeof buffer);
        if (length <= 0)
            return changed;
        for (ssize_t offset = 0; offset < length;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
            offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
            if (event->mask & IN_IGNORED) {
                directories_.erase(event->wd);
                continue;
            }
            changed = true;  // IN_Q_OVERFLOW too: the push compares everything anyway
            if ((event->mask & IN_ISDIR) && (event->mask & (IN_CREATE | IN_MOVED_TO)) && event->len > 0)
                if (auto it = directories_.find(event->wd); it != directories_.end())
                    watch_tree(it->second / event->name);
        }
    }
}

void ChangeWatcher::run(std::stop_token stop)
{
    std::optional<Clock::time_point> first_change, last_change;
    while (!stop.stop_requested()) {
        int timeout_ms = -1;
        if (first_change) {
            const auto due = std::min(*last_change + timing_.quiet, *first_change + timing_.longest);
            timeout_ms = static_cast<int>(
                std::max<std::int64_t>(0, std::chrono::ceil<std::chrono::milliseconds>(due - Clock::now()).count()));
        }
        pollfd fds[2] = {{inotify_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
        const int ready = ::poll(fds, 2, timeout_ms);
        if (ready < 0 && errno != EINTR) {
            spdlog::error("the change watcher of {} stopped: {}", root_.string(), error_text(errno));
            return;
        }
        if (fds[1].revents)
            return;
        if (fds[0].revents && read_events()) {
            last_change = Clock::now();
            if (!first_change)
                first_change = last_change;
            continue;
        }
        if (first_change && Clock::now() >= std::min(*last_change + timing_.quiet, *first_change + timing_.longest)) {
            first_change.reset();
            last_change.reset();
            run_guarded(fmt::format("the push after changes in {}", root_.string()), on_settled_);
        }
    }
}

}  // namespace b2c::pipeline
