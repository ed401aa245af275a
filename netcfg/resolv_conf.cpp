#include "netcfg/resolv_conf.h"

#include <arpa/inet.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "common/text.h"
#include "common/ipv4_text.h"
#include "netcfg/network.h"

namespace b2c::netcfg {

bool is_valid_domain_name(std::string_view name)
{
    if (!name.empty() && name.back() == '.')
        name.remove_suffix(1);
    if (name.empty() || name.size() > 253)
        return false;
    std::size_t start = 0;
    while (true) {
        auto dot = name.find('.', start);
        auto label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
            return false;
        for (char c : label)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
                return false;
        if (dot == std::string_view::npos)
            return true;
        start = dot + 1;
    }
}

namespace {

// Domain names separated by single spaces: no tab or newline gets through.
bool is_search_list(const std::string& domains)
{
    if (domains.empty() || domains.front() == ' ' || domains.back() == ' ' || domains.find("  ") != std::string::npos)
        return false;
    std::size_t start = 0;
    while (true) {
        auto space = domains.find(' ', start);
        if (!is_valid_domain_name(std::string_view(domains).substr(start, space - start)))
            return false;
        if (space == std::string::npos)
            return true;
        start = space + 1;
    }
}

}  // namespace

std::string resolv_conf_text(const std::vector<std::uint32_t>& nameservers, const std::string& domain)
{
    std::string text = "# Written by boot2container\n";
    if (!domain.empty() && is_search_list(domain))
        text += "search " + domain + "\n";
    for (auto server : nameservers)
        text += "nameserver " + ipv4_to_string(server) + "\n";
    return text;
}

std::vector<std::uint32_t> parse_pnp_nameservers(std::string_view pnp)
{
    std::vector<std::uint32_t> servers;
    std::istringstream lines{std::string(pnp)};
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::string keyword, value;
        in_addr address{};
        if (words >> keyword >> value && keyword == "nameserver" && inet_pton(AF_INET, value.c_str(), &address) == 1 &&
            address.s_addr != 0)
            servers.push_back(ntohl(address.s_addr));
    }
    return servers;
}

void write_resolv_conf(const std::filesystem::path& path, const std::vector<cmdline::Ipv4Address>& nameservers,
                       const std::string& domain)
{
    std::vector<std::uint32_t> servers;
    for (const auto& server : nameservers)
        servers.push_back(server.host_order);
    std::error_code ignored;
    std::filesystem::create_directories(path.parent_path(), ignored);
    std::ofstream file(path, std::ios::trunc);
    file << resolv_conf_text(servers, domain);
    file.close();
    if (!file)
        throw NetworkError("cannot write " + path.string() + ": is the file system writable?");
    bool searched = !domain.empty() && is_search_list(domain);
    if (!domain.empty() && !searched)
        spdlog::warn("DNS: the search domain '{}' (from DHCP or the kernel) is not a domain name: left out",
                     printable(domain));
    spdlog::info("DNS: wrote {} (nameservers: {}{})", path.string(),
                 servers.empty() ? "none" : ipv4_list_to_string(servers, ", "), searched ? ", search " + domain : "");
}

void write_resolv_conf(const std::vector<cmdline::Ipv4Address>& nameservers, const std::string& domain)
{
    write_resolv_conf("/etc/resolv.conf", nameservers, domain);
}

bool adopt_kernel_ip_config()
{
    std::ifstream pnp("/proc/net/pnp");
    if (!pnp)
        return false;
    std::stringstream text;
    text << pnp.rdbuf();
    std::vector<cmdline::Ipv4Address> nameservers;
    for (auto server : parse_pnp_nameservers(text.str()))
        nameservers.push_back(cmdline::Ipv4Address{server});
    // The kernel writes "domain X" too, when DHCP gave one.
    std::string domain;
    std::istringstream lines(text.str());
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("domain ", 0) == 0)
            domain = line.substr(7);
    write_resolv_conf(nameservers, domain);
    return true;
}

}  // namespace b2c::netcfg
