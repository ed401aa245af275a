// b2c.keymap: the console keyboard layout, loaded into the kernel with its
// keyboard ioctls (KDSKBENT, KDSKBSENT, KDSKBDIACRUC), as kbd's loadkeys
// does, from the files compiled at build time (init/console/keymap_file.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "init/console/keymap_file.h"

namespace b2c::console {

inline const std::filesystem::path kKeymapDirectory{"/usr/share/b2c/keymaps"};

// Loads `directory`/NAME.bkm into the kernel: see keymap_file.h for what is
// replaced. Throws KeymapError: for an unknown name, a message naming
// b2c.keymap and the close (or else all) available names; a corrupt file; no
// console that takes keyboard ioctls; entries the kernel refused.
void load_keymap(const std::string& name, const std::filesystem::path& directory = kKeymapDirectory);

// The keymap names (NAME of NAME.bkm) in `directory`, sorted; none if it is missing.
std::vector<std::string> available_keymaps(const std::filesystem::path& directory);

// The names of `available` a person who typed `wanted` probably meant: same
// language prefix (fr -> fr-latin9, fr_CH) or a typo away (dr -> de).
std::vector<std::string> close_keymap_names(const std::string& wanted, const std::vector<std::string>& available);

}  // namespace b2c::console
