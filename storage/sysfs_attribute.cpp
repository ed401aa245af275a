#include "storage/sysfs_attribute.h"

#include <fstream>

namespace b2c::storage {

std::string read_sysfs_line(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

}  // namespace b2c::storage
