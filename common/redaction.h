// Masking secrets (passwords, keys) in text that is about to be printed.
// One rule everywhere: every occurrence of every non-empty secret, however
// short, becomes "***". Where the secrets come from is the caller's
// knowledge (cmdline/secrets.h for the command line).
#pragma once

#include <string>
#include <vector>

namespace b2c {

std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace b2c
