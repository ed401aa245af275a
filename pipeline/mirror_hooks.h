// The S3 mirror of the volumes (b2c.volume's mirror=, pull_from=, push_to=,
// pull_on=, push_on=): which volume is pulled or pushed when, and what a
// failure does to the pipeline. The transfers are storage/s3's.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cmdline/config.h"
#include "pipeline/change_watcher.h"
#include "pipeline/status.h"
#include "pipeline/runtime.h"
#include "storage/s3/mirror.h"

namespace b2c::pipeline {

// One volume's mirror, resolved against the b2c.minio aliases.
struct VolumeMirror {
    std::string volume;
    std::string directory;  // the volume's files (its mount point)
    std::optional<s3::Location> pull_from, push_to;
    std::string pull_name, push_name;   // ALIAS/BUCKET/PREFIX, for the logs
    unsigned pull_on = 0, push_on = 0;  // cmdline::SyncCondition bits
    s3::MirrorOptions options;
};

// The mirrors of the volumes that have one, their directories asked to
// podman. Throws VolumeSetupError (the volume's name first).
std::vector<VolumeMirror> plan_mirrors(const Runtime& runtime, const cmdline::StorageConfig& storage);

class MirrorHooks {
public:
    MirrorHooks(const Runtime& runtime, std::vector<VolumeMirror> mirrors, SettleTiming timing = {});
    ~MirrorHooks();  // stops the watchers
    MirrorHooks(const MirrorHooks&) = delete;
    MirrorHooks& operator=(const MirrorHooks&) = delete;

    // Pulls, then pushes, every volume whose pull_on / push_on holds
    // `condition` (pipeline_end also pushes the `changes` volumes: their
    // final push). A failure is recorded in `status`, the files named, and
    // the local data kept. A volume whose pull failed is never pushed again
    // in this boot: its directory is partial, and a push with `remove`
    // would delete from the bucket what the pull did not bring. Returns
    // false when a pull failed.
    bool at(cmdline::SyncCondition condition, Status& status);

    // push_on=changes: a watcher per such volume pushes once its changes
    // settle. Its failures are warnings: the final push decides.
    void start_watching();
    void stop_watching();

private:
    struct Volume {
        VolumeMirror mirror;
        std::atomic<bool> pull_failed = false;  // read by the watcher's thread
        std::mutex busy;                        // one pull or push of the volume at a time (the watcher's included)
        std::unique_ptr<ChangeWatcher> watcher;
    };
    bool pull(Volume& volume, Status& status);
    // Returns the failure to record, if any.
    std::optional<std::string> push(Volume& volume, const char* why);

    const Runtime& runtime_;
    std::vector<std::unique_ptr<Volume>> volumes_;
    SettleTiming timing_;
};

}  // namespace b2c::pipeline
