// b2c.swap=/dev/X: a whole block device (or a partition) given to swap.
// Only a device that is blank, or already a swap area, is used: one that
// holds anything libblkid recognises is refused without a byte written.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "storage/block_devices.h"
#include "storage/swap.h"

namespace b2c::storage {

// What a device holds, in words: "an ext4 file system", "a gpt partition
// table and a PMBR partition table" (each kind once).
std::string describe_signatures(const std::vector<Signature>& found);

// Waits up to `wait` for `node`, then swaps to it: its swap area if that
// is all it holds, a new one if it is blank (no signature at all).
// Anything else is refused. Throws std::runtime_error naming the device and
// what it holds.
SwapArea swap_on_device(const std::string& node, std::chrono::milliseconds wait);

}  // namespace b2c::storage
