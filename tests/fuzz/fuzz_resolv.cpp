// /proc/net/pnp (what the kernel's own DHCP, `ip=dhcp`, got from a server)
// and the domain names of a lease: what goes into /etc/resolv.conf.
#include "netcfg/resolv_conf.h"
#include "tests/fuzz/fuzz_check.h"

using namespace b2c::netcfg;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = b2c::fuzz::as_text(data, size);
    auto servers = parse_pnp_nameservers(text);
    std::string domain(text.substr(0, text.find('\n')));
    if (is_valid_domain_name(domain)) {
        FUZZ_CHECK(domain.size() <= 254 && domain.find_first_of(" \t\n\r") == std::string::npos);
        auto conf = resolv_conf_text(servers, domain);
        FUZZ_CHECK(conf.find(domain) != std::string::npos);
    }
    return 0;
}
