#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "netcfg/network.h"

namespace b2c::netcfg {
namespace {

void write_file(const std::string& path, const std::string& content)
{
    std::ofstream file(path, std::ios::trunc);
    file << content;
    file.close();
    if (!file)
        throw NetworkError("cannot write " + path + ": is the file system writable?");
}

// /etc/hosts with its 127.0.1.1 line (Debian's convention) naming `name`.
std::string hosts_with(const std::string& current, const std::string& name)
{
    std::string result;
    std::istringstream lines(current);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("127.0.1.1", 0) != 0)
            result += line + "\n";
    if (result.find("localhost") == std::string::npos)
        result = "127.0.0.1\tlocalhost\n" + result;
    return result + "127.0.1.1\t" + name + "\n";
}

}  // namespace

void set_hostname(const std::string& name)
{
    if (sethostname(name.data(), name.size()) < 0)
        throw NetworkError("cannot set the host name to '" + name + "': " + error_text(errno));
    write_file("/etc/hostname", name + "\n");
    std::ifstream hosts("/etc/hosts");
    std::stringstream current;
    if (hosts)
        current << hosts.rdbuf();
    hosts.close();
    write_file("/etc/hosts", hosts_with(current.str(), name));
    spdlog::info("Host name: {}", name);
}

}  // namespace b2c::netcfg
