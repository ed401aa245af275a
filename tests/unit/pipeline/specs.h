// The containers of the pipeline unit tests.
#pragma once

#include <string>
#include <vector>

#include "cmdline/config.h"

namespace b2c::pipeline::test {

// A container running `image` after `flags`; its text is "args of IMAGE".
inline cmdline::ContainerSpec container(const std::string& image, std::vector<std::string> flags = {})
{
    flags.push_back(image);
    return {flags, "args of " + image};
}

}  // namespace b2c::pipeline::test
