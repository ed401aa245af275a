// BOOTP/DHCP messages (RFC 2131) and their options (RFC 2132), as bytes and
// back. Pure functions: no sockets, no clocks.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace b2c::netcfg {

class DhcpDecodeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class DhcpMessageType : std::uint8_t {
    discover = 1,
    offer = 2,
    request = 3,
    decline = 4,
    ack = 5,
    nak = 6,
    release = 7,
    inform = 8,
};

const char* to_string(DhcpMessageType type);

namespace dhcp_option {
inline constexpr std::uint8_t pad = 0;
inline constexpr std::uint8_t subnet_mask = 1;
inline constexpr std::uint8_t router = 3;
inline constexpr std::uint8_t dns_server = 6;
inline constexpr std::uint8_t host_name = 12;
inline constexpr std::uint8_t domain_name = 15;
inline constexpr std::uint8_t requested_ip = 50;
inline constexpr std::uint8_t lease_time = 51;
inline constexpr std::uint8_t message_type = 53;
inline constexpr std::uint8_t server_id = 54;
inline constexpr std::uint8_t parameter_request_list = 55;
inline constexpr std::uint8_t renewal_time = 58;
inline constexpr std::uint8_t rebinding_time = 59;
inline constexpr std::uint8_t client_id = 61;
inline constexpr std::uint8_t end = 255;
}  // namespace dhcp_option

inline constexpr std::uint8_t bootp_request = 1;
inline constexpr std::uint8_t bootp_reply = 2;
inline constexpr std::uint16_t bootp_broadcast_flag = 0x8000;
inline constexpr std::uint32_t dhcp_magic_cookie = 0x63825363;
inline constexpr std::size_t bootp_fixed_size = 236;  // up to the magic cookie
inline constexpr std::uint16_t dhcp_server_port = 67;
inline constexpr std::uint16_t dhcp_client_port = 68;

using MacAddress = std::array<std::uint8_t, 6>;

// Addresses are in host byte order; times in seconds.
struct DhcpMessage {
    std::uint8_t op = bootp_request;
    std::uint32_t xid = 0;
    std::uint16_t secs = 0;
    std::uint16_t flags = 0;
    std::uint32_t ciaddr = 0;
    std::uint32_t yiaddr = 0;
    std::uint32_t siaddr = 0;
    std::uint32_t giaddr = 0;
    MacAddress chaddr{};

    std::optional<DhcpMessageType> type;
    std::optional<std::uint32_t> subnet_mask;
    std::vector<std::uint32_t> routers;
    std::vector<std::uint32_t> dns_servers;
    std::string host_name;
    std::string domain_name;
    std::optional<std::uint32_t> requested_ip;
    std::optional<std::uint32_t> lease_time;
    std::optional<std::uint32_t> server_id;
    std::vector<std::uint8_t> parameter_request_list;
    std::optional<std::uint32_t> renewal_time;
    std::optional<std::uint32_t> rebinding_time;
    std::vector<std::uint8_t> client_id;
};

// The options a client asks for: mask, router, DNS, host name, domain,
// lease, T1, T2.
std::vector<std::uint8_t> default_parameter_request_list();

std::vector<std::uint8_t> encode_dhcp(const DhcpMessage& message);

// Throws DhcpDecodeError for anything that is not a well-formed DHCP message
// (too short, no magic cookie, an option running past the end, ...).
DhcpMessage decode_dhcp(std::span<const std::uint8_t> bytes);

// The client's messages. `host_name` may be empty (option 12 left out).
DhcpMessage make_discover(std::uint32_t xid, const MacAddress& mac, const std::string& host_name);
DhcpMessage make_request(std::uint32_t xid, const MacAddress& mac, const std::string& host_name,
                         const DhcpMessage& offer);
// The DHCPREQUEST that extends a lease, in RENEWING (unicast to the server)
// and REBINDING (broadcast) states alike (RFC 2131 4.3.2, table 5): ciaddr is
// our address, no requested-address nor server-identifier option, no
// broadcast flag since we can receive unicast now.
DhcpMessage make_renewal_request(std::uint32_t xid, const MacAddress& mac, const std::string& host_name,
                                 std::uint32_t address);

}  // namespace b2c::netcfg
