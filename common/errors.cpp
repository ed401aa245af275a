#include "common/errors.h"

#include <cstring>

namespace b2c {

std::string error_text(int error)
{
    return std::strerror(error);
}

std::system_error system_error(const std::string& what, int error)
{
    return std::system_error(error, std::generic_category(), what);
}

}  // namespace b2c
