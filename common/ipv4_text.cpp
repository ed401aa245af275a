#include "common/ipv4_text.h"

#include <arpa/inet.h>

namespace b2c {

std::string ipv4_to_string(std::uint32_t host_order)
{
    in_addr address{htonl(host_order)};
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &address, text, sizeof text);
    return text;
}

std::string ipv4_list_to_string(const std::vector<std::uint32_t>& host_order, const char* separator)
{
    std::string text;
    for (auto address : host_order) {
        if (!text.empty())
            text += separator;
        text += ipv4_to_string(address);
    }
    return text;
}

int netmask_to_prefix(std::uint32_t netmask)
{
    int prefix = 0;
    while (prefix < 32 && (netmask & (0x80000000u >> prefix)))
        ++prefix;
    return prefix_to_netmask(prefix) == netmask ? prefix : -1;
}

std::uint32_t prefix_to_netmask(int prefix_length)
{
    if (prefix_length <= 0)
        return 0;
    if (prefix_length >= 32)
        return 0xffffffffu;
    return ~(0xffffffffu >> prefix_length);
}

}  // namespace b2c
