"""The boot's DHCP client against a real dnsmasq, across a veth pair joining
two network namespaces. Needs root, iproute2 and dnsmasq."""
import ipaddress
import os
import shutil
import socket
import subprocess
import time

import pytest

from netns import sh, stop, veth

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root"),
    pytest.mark.skipif(shutil.which("dnsmasq") is None, reason="dnsmasq is not installed"),
]

SERVER_IP = "10.77.0.1"
RANGE = ("10.77.0.50", "10.77.0.99")
DNS = ["10.77.0.53", "10.77.0.54"]
DOMAIN = "b2c.test"


@pytest.fixture
def network(namespaces):
    server = namespaces.add("srv")
    client = namespaces.add("cli")
    veth(server, "vsrv", client, "eth0", f"{SERVER_IP}/24")
    return server, client


@pytest.fixture
def dnsmasq(network, tmp_path):
    server, _ = network
    leases = tmp_path / "dnsmasq.leases"
    log = open(tmp_path / "dnsmasq.log", "w")
    process = subprocess.Popen(
        ["ip", "netns", "exec", server, "dnsmasq", "--no-daemon", "--port=0", "--interface=vsrv",
         f"--dhcp-range={RANGE[0]},{RANGE[1]},2m", f"--dhcp-leasefile={leases}", "--conf-file=/dev/null",
         f"--dhcp-option=option:dns-server,{','.join(DNS)}", f"--dhcp-option=option:domain-name,{DOMAIN}",
         f"--pid-file={tmp_path / 'dnsmasq.pid'}", "--user=root", "--log-facility=-", "--log-dhcp"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while "DHCP, IP range" not in (tmp_path / "dnsmasq.log").read_text():
            assert process.poll() is None, (tmp_path / "dnsmasq.log").read_text()
            assert time.monotonic() < deadline, "dnsmasq did not start"
            time.sleep(0.05)
        yield leases
    finally:
        stop(process)
        log.close()


def run_probe(build_dir, client, tmp_path, *args):
    probe = build_dir / "tests" / "host" / "dhcp_probe"
    if not probe.exists():
        pytest.fail(f"{probe} is missing: build it, or point B2C_BUILD_DIR at the build directory")
    env = dict(os.environ, B2C_RESOLV_CONF=str(tmp_path / "resolv.conf"))
    start = time.monotonic()
    result = subprocess.run(["ip", "netns", "exec", client, str(probe), *args],
                            capture_output=True, text=True, env=env, timeout=60)
    elapsed = time.monotonic() - start
    fields = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return result, fields, elapsed


def check_lease(fields, client, tmp_path, interface="eth0"):
    assert fields["interface"] == interface
    address = ipaddress.ip_interface(fields["address"])
    assert address.network.prefixlen == 24
    assert ipaddress.ip_address(RANGE[0]) <= address.ip <= ipaddress.ip_address(RANGE[1])
    assert fields["routers"] == SERVER_IP
    assert fields["nameservers"] == ",".join(DNS)
    assert fields["domain"] == DOMAIN

    addresses = sh("ip", "-n", client, "-4", "-o", "addr", "show", "dev", interface).stdout
    assert f"inet {address} brd 10.77.0.255" in addresses
    routes = sh("ip", "-n", client, "-4", "route", "show", "default").stdout
    assert f"default via {SERVER_IP} dev {interface}" in routes

    assert (tmp_path / "resolv.conf").read_text() == (
        "# Written by boot2container\n"
        f"search {DOMAIN}\n" + "".join(f"nameserver {ip}\n" for ip in DNS))
    return address


def test_lease_from_dnsmasq_is_applied(build_dir, network, dnsmasq, tmp_path):
    _, client = network
    result, fields, elapsed = run_probe(build_dir, client, tmp_path, "--timeout", "20", "eth0")
    assert result.returncode == 0, result.stdout + result.stderr
    address = check_lease(fields, client, tmp_path)
    print(result.stderr)
    print(f"time to lease: {fields['time_to_lease_ms']} ms (whole probe {elapsed:.2f} s)")

    # dnsmasq recorded our MAC and the host name we sent in option 12.
    mac = sh("ip", "-n", client, "link", "show", "eth0").stdout.split("link/ether ")[1].split()[0]
    lease = dnsmasq.read_text().split()
    assert mac in lease
    assert str(address.ip) in lease
    assert socket.gethostname().split(".")[0] in lease


def test_all_wired_interfaces_first_lease_wins(build_dir, namespaces, network, dnsmasq, tmp_path):
    # eth1 leads to a namespace without any server: eth0 must still win.
    _, client = network
    silent = namespaces.add("sil")
    veth(silent, "vsil", client, "eth1")
    result, fields, _ = run_probe(build_dir, client, tmp_path, "--timeout", "20")
    assert result.returncode == 0, result.stdout + result.stderr
    check_lease(fields, client, tmp_path)
    assert "eth0" in result.stderr and "eth1" in result.stderr  # both were tried


def test_no_server_times_out_naming_the_interface(build_dir, network, tmp_path):
    _, client = network
    timeout = 3
    result, fields, elapsed = run_probe(build_dir, client, tmp_path, "--timeout", str(timeout), "eth0")
    assert result.returncode != 0
    assert "eth0" in fields["error"]
    assert f"{timeout} s" in fields["error"]
    assert elapsed < timeout + 2
    assert not (tmp_path / "resolv.conf").exists()


def test_missing_interface_is_an_error(build_dir, network, tmp_path):
    _, client = network
    result, fields, elapsed = run_probe(build_dir, client, tmp_path, "--timeout", "2", "eth7")
    assert result.returncode != 0
    assert "eth7" in fields["error"]
    assert elapsed < 4


def test_loopback_comes_up_with_its_address(build_dir, namespaces, tmp_path):
    bare = f"b2c-lo-{namespaces.tag}"
    sh("ip", "netns", "add", bare)
    namespaces.names.append(bare)  # removed by the fixture; lo stays down until the probe
    result, fields, _ = run_probe(build_dir, bare, tmp_path, "--loopback")
    assert result.returncode == 0, result.stdout + result.stderr
    assert fields["loopback"] == "up"
    lo = sh("ip", "-n", bare, "addr", "show", "dev", "lo").stdout
    assert "UP" in lo.split(">")[0]
    assert "inet 127.0.0.1/8" in lo
