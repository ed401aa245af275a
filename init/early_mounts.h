// The kernel's file systems, mounted before anything else runs.
#pragma once

#include <string>
#include <vector>

namespace b2c::init {

// Mounts proc, sys, devtmpfs, devpts, shm, cgroup2, run and tmp. Does not
// stop at the first failure: returns one sentence per mount that failed, to
// be printed once logging works (a console may not even exist before).
std::vector<std::string> mount_early_filesystems();

}  // namespace b2c::init
