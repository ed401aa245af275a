#include "netcfg/dhcp_packet.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "netcfg/network_order.h"

namespace b2c::netcfg {
namespace {

constexpr std::size_t minimum_bootp_size = 300;  // RFC 1542: some relays drop shorter ones

class Writer {
public:
    void u8(std::uint8_t value) { bytes_.push_back(value); }
    void u16(std::uint16_t value)
    {
        u8(static_cast<std::uint8_t>(value >> 8));
        u8(static_cast<std::uint8_t>(value));
    }
    void u32(std::uint32_t value)
    {
        u16(static_cast<std::uint16_t>(value >> 16));
        u16(static_cast<std::uint16_t>(value));
    }
    void raw(std::span<const std::uint8_t> data) { bytes_.insert(bytes_.end(), data.begin(), data.end()); }
    void zeros(std::size_t count) { bytes_.insert(bytes_.end(), count, 0); }

    void option(std::uint8_t code, std::span<const std::uint8_t> data)
    {
        // Longer values are split into several options (RFC 3396).
        do {
            auto chunk = std::min<std::size_t>(data.size(), 255);
            u8(code);
            u8(static_cast<std::uint8_t>(chunk));
            raw(data.first(chunk));
            data = data.subspan(chunk);
        } while (!data.empty());
    }
    void option_u32(std::uint8_t code, std::uint32_t value)
    {
        Writer w;
        w.u32(value);
        option(code, w.bytes_);
    }
    void option_addresses(std::uint8_t code, const std::vector<std::uint32_t>& addresses)
    {
        Writer w;
        for (auto address : addresses)
            w.u32(address);
        option(code, w.bytes_);
    }
    void option_text(std::uint8_t code, const std::string& text)
    {
        option(code, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
    }

    std::vector<std::uint8_t>& bytes() { return bytes_; }

private:
    std::vector<std::uint8_t> bytes_;
};

// Option code -> value, with repeated options concatenated (RFC 3396).
std::map<std::uint8_t, std::vector<std::uint8_t>> read_options(std::span<const std::uint8_t> area)
{
    std::map<std::uint8_t, std::vector<std::uint8_t>> options;
    std::size_t at = 0;
    while (at < area.size()) {
        std::uint8_t code = area[at++];
        if (code == dhcp_option::pad)
            continue;
        if (code == dhcp_option::end)
            return options;
        if (at >= area.size())
            throw DhcpDecodeError(fmt::format("DHCP option {} has no length byte", code));
        std::size_t length = area[at++];
        if (at + length > area.size())
            throw DhcpDecodeError(
                fmt::format("DHCP option {} claims {} bytes but only {} remain", code, length, area.size() - at));
        auto& value = options[code];
        value.insert(value.end(), area.begin() + static_cast<std::ptrdiff_t>(at),
                     area.begin() + static_cast<std::ptrdiff_t>(at + length));
        at += length;
    }
    throw DhcpDecodeError("DHCP options do not end with the end option (255)");
}

std::uint32_t option_u32(std::uint8_t code, const std::vector<std::uint8_t>& value)
{
    if (value.size() != 4)
        throw DhcpDecodeError(fmt::format("DHCP option {} must be 4 bytes long, not {}", code, value.size()));
    return read_u32(value, 0);
}

std::vector<std::uint32_t> option_addresses(std::uint8_t code, const std::vector<std::uint8_t>& value)
{
    if (value.empty() || value.size() % 4 != 0)
        throw DhcpDecodeError(
            fmt::format("DHCP option {} must hold whole IPv4 addresses, not {} bytes", code, value.size()));
    std::vector<std::uint32_t> addresses;
    for (std::size_t at = 0; at < value.size(); at += 4)
        addresses.push_back(read_u32(value, at));
    return addresses;
}

std::string option_text(const std::vector<std::uint8_t>& value)
{
    std::string text(value.begin(), value.end());
    // Some servers count a trailing NUL in the length.
    while (!text.empty() && text.back() == '\0')
        text.pop_back();
    return text;
}

}  // namespace

const char* to_string(DhcpMessageType type)
{
    switch (type) {
    case DhcpMessageType::discover: return "DHCPDISCOVER";
    case DhcpMessageType::offer: return "DHCPOFFER";
    case DhcpMessageType::request: return "DHCPREQUEST";
    case DhcpMessageType::decline: return "DHCPDECLINE";
    case DhcpMessageType::ack: return "DHCPACK";
    case DhcpMessageType::nak: return "DHCPNAK";
    case DhcpMessageType::release: return "DHCPRELEASE";
    case DhcpMessageType::inform: return "DHCPINFORM";
    }
    return "DHCP(unknown)";
}

std::vector<std::uint8_t> default_parameter_request_list()
{
    using namespace dhcp_option;
    return {subnet_mask, router, dns_server, host_name, domain_name, lease_time, renewal_time, rebinding_time};
}

std::vector<std::uint8_t> encode_dhcp(const DhcpMessage& message)
{
    Writer w;
    w.u8(message.op);
    w.u8(1);  // htype: Ethernet
    w.u8(6);  // hlen
    w.u8(0);  // hops
    w.u32(message.xid);
    w.u16(message.secs);
    w.u16(message.flags);
    w.u32(message.ciaddr);
    w.u32(message.yiaddr);
    w.u32(message.siaddr);
    w.u32(message.giaddr);
    w.raw(message.chaddr);
    w.zeros(10);   // rest of chaddr
    w.zeros(64);   // sname
    w.zeros(128);  // file
    w.u32(dhcp_magic_cookie);

    using namespace dhcp_option;
    if (message.type)
        w.option(dhcp_option::message_type, std::array{static_cast<std::uint8_t>(*message.type)});
    if (!message.client_id.empty())
        w.option(client_id, message.client_id);
    if (message.requested_ip)
        w.option_u32(requested_ip, *message.requested_ip);
    if (message.server_id)
        w.option_u32(server_id, *message.server_id);
    if (!message.host_name.empty())
        w.option_text(host_name, message.host_name);
    if (!message.parameter_request_list.empty())
        w.option(parameter_request_list, message.parameter_request_list);
    if (message.subnet_mask)
        w.option_u32(subnet_mask, *message.subnet_mask);
    if (!message.routers.empty())
        w.option_addresses(router, message.routers);
    if (!message.dns_servers.empty())
        w.option_addresses(dns_server, message.dns_servers);
    if (!message.domain_name.empty())
        w.option_text(domain_name, message.domain_name);
    if (message.lease_time)
        w.option_u32(lease_time, *message.lease_time);
    if (message.renewal_time)
        w.option_u32(renewal_time, *message.renewal_time);
    if (message.rebinding_time)
        w.option_u32(rebinding_time, *message.rebinding_time);
    w.u8(end);

    if (w.bytes().size() < minimum_bootp_size)
        w.zeros(minimum_bootp_size - w.bytes().size());
    return std::move(w.bytes());
}

DhcpMessage decode_dhcp(std::span<const std::uint8_t> bytes)
{
    if (bytes.size() < bootp_fixed_size + 4)
        throw DhcpDecodeError(fmt::format("a DHCP message is at least {} bytes long, this one has {}",
                                          bootp_fixed_size + 4, bytes.size()));
    if (bytes[1] != 1 || bytes[2] != 6)
        throw DhcpDecodeError("the DHCP message is not for an Ethernet hardware address");
    if (read_u32(bytes, bootp_fixed_size) != dhcp_magic_cookie)
        throw DhcpDecodeError("the BOOTP message has no DHCP magic cookie");

    DhcpMessage message;
    message.op = bytes[0];
    if (message.op != bootp_request && message.op != bootp_reply)
        throw DhcpDecodeError(fmt::format("BOOTP op {} is neither a request nor a reply", message.op));
    message.xid = read_u32(bytes, 4);
    message.secs = read_u16(bytes, 8);
    message.flags = read_u16(bytes, 10);
    message.ciaddr = read_u32(bytes, 12);
    message.yiaddr = read_u32(bytes, 16);
    message.siaddr = read_u32(bytes, 20);
    message.giaddr = read_u32(bytes, 24);
    std::copy_n(bytes.begin() + 28, 6, message.chaddr.begin());

    using namespace dhcp_option;
    for (const auto& [code, value] : read_options(bytes.subspan(bootp_fixed_size + 4))) {
        switch (code) {
        case dhcp_option::message_type:
            if (value.size() != 1 || value[0] < 1 || value[0] > 8)
                throw DhcpDecodeError("the DHCP message type option (53) is invalid");
            message.type = static_cast<DhcpMessageType>(value[0]);
            break;
        case subnet_mask: message.subnet_mask = option_u32(code, value); break;
        case router: message.routers = option_addresses(code, value); break;
        case dns_server: message.dns_servers = option_addresses(code, value); break;
        case host_name: message.host_name = option_text(value); break;
        case domain_name: message.domain_name = option_text(value); break;
        case requested_ip: message.requested_ip = option_u32(code, value); break;
        case lease_time: message.lease_time = option_u32(code, value); break;
        case server_id: message.server_id = option_u32(code, value); break;
        case parameter_request_list: message.parameter_request_list = value; break;
        case renewal_time: message.renewal_time = option_u32(code, value); break;
        case rebinding_time: message.rebinding_time = option_u32(code, value); break;
        case client_id: message.client_id = value; break;
        default: break;  // options we do not use
        }
    }
    if (!message.type)
        throw DhcpDecodeError("the message is plain BOOTP: it has no DHCP message type option (53)");
    return message;
}

DhcpMessage make_discover(std::uint32_t xid, const MacAddress& mac, const std::string& host_name)
{
    DhcpMessage message;
    message.op = bootp_request;
    message.xid = xid;
    // Ask for broadcast replies: we have no address yet to receive unicast on.
    message.flags = bootp_broadcast_flag;
    message.chaddr = mac;
    message.type = DhcpMessageType::discover;
    message.client_id = {1, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]};
    message.host_name = host_name;
    message.parameter_request_list = default_parameter_request_list();
    return message;
}

DhcpMessage make_request(std::uint32_t xid, const MacAddress& mac, const std::string& host_name,
                         const DhcpMessage& offer)
{
    DhcpMessage message = make_discover(xid, mac, host_name);
    message.type = DhcpMessageType::request;
    message.requested_ip = offer.yiaddr;
    message.server_id = offer.server_id;
    return message;
}

DhcpMessage make_renewal_request(std::uint32_t xid, const MacAddress& mac, const std::string& host_name,
                                 std::uint32_t address)
{
    DhcpMessage message = make_discover(xid, mac, host_name);
    message.type = DhcpMessageType::request;
    message.flags = 0;
    message.ciaddr = address;
    return message;
}

}  // namespace b2c::netcfg
