// podman's image store across power cuts. A pull writes layers that may
// sit in the page cache for a while; a farm power-cycles a machine
// whenever a job times out. If the cut comes first, the store's records
// say "complete" for layers whose files never reached the disk, and every
// later boot fails to start that image. So: a marker file is on disk for
// exactly as long as a pull may have unsynced data (written before `podman
// create`, removed after the store is synced), and a boot that finds it
// removes every image (volumes are kept) before anything uses the store.
#pragma once

#include <string>

namespace b2c::pipeline {

class PullJournal {
public:
    // `store_dir` empty: a journal that records nothing (no store on disk).
    explicit PullJournal(std::string store_dir);

    // A previous boot died during a pull.
    bool interrupted() const;
    // Around a pull: begin() puts the marker on disk; end() syncs the whole
    // store's file system, then removes the marker.
    void begin() const;
    void end() const;

private:
    std::string store_dir_;
    std::string marker_;
};

}  // namespace b2c::pipeline
