// What a failed system call says, once for the whole project: every
// message that quotes errno goes through these.
#pragma once

#include <cerrno>
#include <string>
#include <system_error>

namespace b2c {

// The text of `error` (errno by default): "No such file or directory".
std::string error_text(int error = errno);

// "WHAT: TEXT" as an exception, errno's code kept for callers that test it.
std::system_error system_error(const std::string& what, int error = errno);

}  // namespace b2c
