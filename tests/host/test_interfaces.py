"""b2c.iface for real: static addresses, gateways, routes, nameservers and
forwarding, alone and next to a DHCP interface served by a real dnsmasq, in
network namespaces joined by veth pairs. Needs root, iproute2, dnsmasq."""
import os
import shutil
import subprocess
import time

import pytest

from netns import sh, veth
from test_dhcp import DNS, DOMAIN, RANGE, SERVER_IP, dnsmasq, dnsmasq_server, network  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root"),
    pytest.mark.skipif(shutil.which("dnsmasq") is None, reason="dnsmasq is not installed"),
]


def run_iface_probe(build_dir, ns, tmp_path, line, *args):
    probe = build_dir / "tests" / "host" / "iface_probe"
    if not probe.exists():
        pytest.fail(f"{probe} is missing: build it, or point B2C_BUILD_DIR at the build directory")
    env = dict(os.environ, B2C_RESOLV_CONF=str(tmp_path / "resolv.conf"))
    start = time.monotonic()
    result = subprocess.run(["ip", "netns", "exec", ns, str(probe), *args, line],
                            capture_output=True, text=True, env=env, timeout=60)
    return result, time.monotonic() - start


def up_lines(result):
    return sorted(l[3:] for l in result.stdout.splitlines() if l.startswith("up="))


def forwarding(ns):
    return sh("ip", "netns", "exec", ns, "cat", "/proc/sys/net/ipv4/ip_forward").stdout.strip()


def test_static_address_gateway_routes_nameservers_forward(build_dir, namespaces, tmp_path):
    router = namespaces.add("rtr")
    host = namespaces.add("hst")
    veth(router, "vrtr", host, "lan0", "10.88.0.1/24")
    assert forwarding(host) == "0"
    result, _ = run_iface_probe(
        build_dir, host, tmp_path,
        "b2c.iface=lan0,address=10.88.0.2/24,gateway=10.88.0.1,route=10.99.0.0/16:10.88.0.254,"
        "route=172.16.5.0/24:10.88.0.253,nameserver=9.9.9.9,nameserver=10.88.0.1,forward")
    assert result.returncode == 0, result.stdout + result.stderr
    assert up_lines(result) == ["lan0 10.88.0.2/24"]

    link = sh("ip", "-n", host, "link", "show", "lan0").stdout
    assert "UP" in link.split(">")[0]
    assert "inet 10.88.0.2/24 brd 10.88.0.255" in sh("ip", "-n", host, "-4", "-o", "addr", "show", "lan0").stdout
    routes = sh("ip", "-n", host, "-4", "route").stdout
    assert "default via 10.88.0.1 dev lan0" in routes
    assert "10.99.0.0/16 via 10.88.0.254 dev lan0 proto static" in routes
    assert "172.16.5.0/24 via 10.88.0.253 dev lan0 proto static" in routes
    assert (tmp_path / "resolv.conf").read_text() == (
        "# Written by boot2container\nnameserver 9.9.9.9\nnameserver 10.88.0.1\n")
    assert forwarding(host) == "1"
    # The address works: the router reaches it.
    sh("ip", "netns", "exec", router, "ping", "-c1", "-W2", "10.88.0.2")


def test_without_forward_forwarding_stays_off(build_dir, namespaces, tmp_path):
    router = namespaces.add("rtr")
    host = namespaces.add("hst")
    veth(router, "vrtr", host, "lan0", "10.88.0.1/24")
    result, _ = run_iface_probe(build_dir, host, tmp_path, "b2c.iface=lan0,address=10.88.0.2/24")
    assert result.returncode == 0, result.stdout + result.stderr
    assert forwarding(host) == "0"
    assert "default" not in sh("ip", "-n", host, "-4", "route").stdout
    assert not (tmp_path / "resolv.conf").exists()


def test_gateway_between_dhcp_uplink_and_static_lan(build_dir, namespaces, network, dnsmasq, tmp_path):
    """The paper's farm gateway: eth0 gets its address from dnsmasq, lan0 is
    static with forward; a machine on the LAN reaches the DHCP server's
    network through the gateway (real IPv4 forwarding in the kernel)."""
    server, gateway = network
    lan_host = namespaces.add("lan")
    veth(lan_host, "vlan", gateway, "lan0", "192.168.42.2/24")
    sh("ip", "-n", lan_host, "route", "add", "default", "via", "192.168.42.1")

    result, _ = run_iface_probe(build_dir, gateway, tmp_path,
                                "b2c.iface=eth0,dhcp,forward,nameserver=9.9.9.9 "
                                "b2c.iface=lan0,address=192.168.42.1/24")
    assert result.returncode == 0, result.stdout + result.stderr
    up = dict(l.split(" ", 1) for l in up_lines(result))
    assert up["lan0"] == "192.168.42.1/24"
    leased = up["eth0"].split("/")[0]
    assert RANGE[0].rsplit(".", 1)[0] == leased.rsplit(".", 1)[0]
    assert forwarding(gateway) == "1"
    assert f"default via {SERVER_IP} dev eth0" in sh("ip", "-n", gateway, "-4", "route").stdout
    # Static nameservers first, then DHCP's; DHCP's search domain.
    assert (tmp_path / "resolv.conf").read_text() == (
        f"# Written by boot2container\nsearch {DOMAIN}\nnameserver 9.9.9.9\n"
        + "".join(f"nameserver {ip}\n" for ip in DNS))

    # The server learns the way back to the LAN through the gateway's lease.
    sh("ip", "-n", server, "route", "add", "192.168.42.0/24", "via", leased)
    sh("ip", "netns", "exec", lan_host, "ping", "-c1", "-W2", SERVER_IP)
    # And forwarding is what makes it work.
    sh("ip", "netns", "exec", gateway, "sh", "-c", "echo 0 > /proc/sys/net/ipv4/ip_forward")
    blocked = subprocess.run(["ip", "netns", "exec", lan_host, "ping", "-c1", "-W1", SERVER_IP],
                             capture_output=True)
    assert blocked.returncode != 0


def test_missing_interface_is_an_error_naming_it(build_dir, namespaces, tmp_path):
    host = namespaces.add("hst")
    result, elapsed = run_iface_probe(build_dir, host, tmp_path,
                                      "b2c.iface=lan9,address=10.88.0.2/24", "--link-timeout", "2")
    assert result.returncode == 1, result.stdout + result.stderr
    error = [l for l in result.stdout.splitlines() if l.startswith("error=")][0]
    assert "lan9" in error and "did not appear within 2 s" in error
    assert 1.5 < elapsed < 5


def test_interface_appearing_late_is_waited_for(build_dir, namespaces, tmp_path):
    router = namespaces.add("rtr")
    host = namespaces.add("hst")
    probe = build_dir / "tests" / "host" / "iface_probe"
    env = dict(os.environ, B2C_RESOLV_CONF=str(tmp_path / "resolv.conf"))
    process = subprocess.Popen(["ip", "netns", "exec", host, str(probe), "--link-timeout", "10",
                                "b2c.iface=lan0,address=10.88.0.2/24"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(1.5)
    veth(router, "vrtr", host, "lan0", "10.88.0.1/24")
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, out + err
    assert "up=lan0 10.88.0.2/24" in out


@pytest.mark.parametrize("option,expected", [
    ("b2c.iface=lan0,address=10.88.0.300/24", "address=10.88.0.300/24 is not an IPv4 address"),
    ("b2c.iface=lan0,address=10.88.0.2/24,route=10.99.0.0/16", "route=10.99.0.0/16 is not a route"),
    ("b2c.iface=lan0,address=10.88.0.2/24,route=10.99.1.0/16:10.88.0.1", "did you mean 10.99.0.0/16"),
])
def test_bad_options_are_refused_before_touching_anything(build_dir, namespaces, tmp_path, option, expected):
    host = namespaces.add("hst")
    router = namespaces.add("rtr")
    veth(router, "vrtr", host, "lan0", "10.88.0.1/24")
    result, _ = run_iface_probe(build_dir, host, tmp_path, option)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "b2c.iface" in result.stdout and expected in result.stdout, result.stdout
    assert "inet " not in sh("ip", "-n", host, "-4", "-o", "addr", "show", "lan0").stdout
