// A DHCP packet as a server (or anyone on the link) sends it: decoded, then
// used the way the client uses an OFFER or an ACK (prefix, lease times,
// renewal, resolv.conf). Property: what we decode, we encode and decode alike.
#include "netcfg/dhcp_client.h"
#include "netcfg/dhcp_lease.h"
#include "netcfg/dhcp_packet.h"
#include "netcfg/resolv_conf.h"
#include "tests/fuzz/fuzz_check.h"

using namespace b2c::netcfg;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    DhcpMessage message;
    try {
        message = decode_dhcp(b2c::fuzz::as_bytes(data, size));
    } catch (const DhcpDecodeError&) {
        return 0;
    }
    if (message.type)
        (void)to_string(*message.type);
    DhcpLease lease;
    lease.address = message.yiaddr;
    lease.prefix_length = lease_prefix_length(message, message.yiaddr);
    FUZZ_CHECK(lease.prefix_length >= 0 && lease.prefix_length <= 32);
    set_lease_times(lease, message);
    FUZZ_CHECK(lease.renewal_seconds <= lease.rebinding_seconds && lease.rebinding_seconds <= lease.lease_seconds);
    auto renewed = extended_lease(lease, message, std::chrono::steady_clock::now());
    (void)same_configuration(lease, renewed);
    if (is_valid_domain_name(message.domain_name))
        (void)resolv_conf_text(message.dns_servers, message.domain_name);

    DhcpMessage again;
    try {
        again = decode_dhcp(encode_dhcp(message));
    } catch (const DhcpDecodeError& e) {
        std::fprintf(stderr, "our own encoding does not decode: %s\n", e.what());
        std::abort();
    }
    FUZZ_CHECK(again.type == message.type && again.xid == message.xid && again.yiaddr == message.yiaddr);
    FUZZ_CHECK(again.routers == message.routers && again.dns_servers == message.dns_servers);
    FUZZ_CHECK(again.subnet_mask == message.subnet_mask && again.lease_time == message.lease_time);
    FUZZ_CHECK(again.domain_name == message.domain_name && again.host_name == message.host_name);
    return 0;
}
