// push_on=changes: watches a volume's directory tree with inotify and calls
// back once its changes have settled, on a thread of its own.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "common/unique_fd.h"

namespace b2c::pipeline {

struct SettleTiming {
    // Call back once nothing changed for `quiet`...
    std::chrono::milliseconds quiet{1000};
    // ...or `longest` after the first change of a burst, so that a
    // container writing all the time still gets its files pushed.
    std::chrono::milliseconds longest{10000};
};

class ChangeWatcher {
public:
    // Watches `root` and every directory below it, also those made later.
    // Throws std::runtime_error when inotify cannot watch `root`.
    ChangeWatcher(std::filesystem::path root, std::function<void()> on_settled, SettleTiming timing = {});
    ~ChangeWatcher();  // stop()
    ChangeWatcher(const ChangeWatcher&) = delete;
    ChangeWatcher& operator=(const ChangeWatcher&) = delete;

    // Returns once the thread has ended; a call back in progress finishes
    // first. Changes not yet called back for are the caller's to handle.
    void stop();

private:
    void watch_tree(const std::filesystem::path& dir);
    bool read_events();  // whether something changed
    void run(std::stop_token stop);

    std::filesystem::path root_;
    std::function<void()> on_settled_;
    SettleTiming timing_;
    UniqueFd inotify_;
    UniqueFd wake_;                                     // an eventfd: stop()
    std::map<int, std::filesystem::path> directories_;  // watch descriptor -> directory
    std::jthread thread_;
};

}  // namespace b2c::pipeline
