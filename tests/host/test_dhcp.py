"""The boot's DHCP client against a real dnsmasq, across a veth pair joining
two network namespaces. Needs root, iproute2 and dnsmasq."""
import ipaddress
import os
import shutil
import socket
import subprocess
import threading
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


class Dnsmasq:
    """A real dnsmasq serving DHCP on the server's end of the veth; it can be
    stopped and started again with other options, as a test needs."""

    def __init__(self, server_ns, tmp_path):
        self.server_ns = server_ns
        self.tmp_path = tmp_path
        self.leases = tmp_path / "dnsmasq.leases"
        self.process = None
        self.log = None
        self.runs = 0

    @property
    def log_path(self):
        return self.tmp_path / f"dnsmasq-{self.runs}.log"

    def start(self, dhcp_range=RANGE, *extra, dns=DNS):
        assert self.process is None
        self.runs += 1
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            ["ip", "netns", "exec", self.server_ns, "dnsmasq", "--no-daemon", "--port=0", "--interface=vsrv",
             f"--dhcp-range={dhcp_range[0]},{dhcp_range[1]},2m", f"--dhcp-leasefile={self.leases}",
             "--conf-file=/dev/null", f"--dhcp-option=option:dns-server,{','.join(dns)}",
             f"--dhcp-option=option:domain-name,{DOMAIN}", f"--pid-file={self.tmp_path / 'dnsmasq.pid'}",
             "--user=root", "--log-facility=-", "--log-dhcp", *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not any(ready in self.log_path.read_text() for ready in ("DHCP, IP range", "DHCP, static leases")):
            assert self.process.poll() is None, self.log_path.read_text()
            assert time.monotonic() < deadline, "dnsmasq did not start"
            time.sleep(0.05)

    def stop(self):
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self.log.close()


@pytest.fixture
def dnsmasq_server(network, tmp_path):
    server = Dnsmasq(network[0], tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def dnsmasq(dnsmasq_server):
    dnsmasq_server.start()
    return dnsmasq_server.leases


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


def test_a_server_that_answers_only_after_5_s(build_dir, network, dnsmasq_server, tmp_path):
    """A DHCP server slow to come up (a switch port in spanning-tree's
    listening state, a gateway rebooting): the client's retransmissions
    (RFC 2131 4.1) reach it once it answers, and the lease is applied."""
    _, client = network
    starter = threading.Timer(5, dnsmasq_server.start)
    starter.start()
    try:
        result, fields, elapsed = run_probe(build_dir, client, tmp_path, "--timeout", "30", "eth0")
    finally:
        starter.join()
    assert result.returncode == 0, result.stdout + result.stderr
    check_lease(fields, client, tmp_path)
    # Retransmissions 1, 2, 4, 8, 16 s apart (with jitter): one comes within
    # 8 s of the server's start, 10.5 s after the client's here.
    assert 5 <= elapsed < 20, f"leased after {elapsed:.1f} s: expected at a retransmission soon after 5 s"
    discovers = dnsmasq_server.log_path.read_text().count("DHCPDISCOVER")
    print(f"lease {fields['time_to_lease_ms']} ms after the start, the server up after 5 s; "
          f"DHCPDISCOVERs it saw: {discovers}")


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


# Renewal: dnsmasq's shortest lease is 2 minutes, but it sends the T1 and T2
# it is told to, so a renewal comes within seconds.
SHORT_TIMES = ("--dhcp-option=option:T1,4", "--dhcp-option=option:T2,7")
OTHER_RANGE = ("10.77.0.150", "10.77.0.199")


class KeepingProbe:
    """dhcp_probe --keep in the background: the test acts while it keeps the lease."""

    def __init__(self, build_dir, client, tmp_path, keep, interface="eth0"):
        probe = build_dir / "tests" / "host" / "dhcp_probe"
        if not probe.exists():
            pytest.fail(f"{probe} is missing: build it, or point B2C_BUILD_DIR at the build directory")
        env = dict(os.environ, B2C_RESOLV_CONF=str(tmp_path / "resolv.conf"))
        self.stderr_path = tmp_path / "probe.stderr"
        self.stderr = open(self.stderr_path, "w")
        self.process = subprocess.Popen(
            ["ip", "netns", "exec", client, str(probe), "--timeout", "20", "--keep", str(keep),
             "--min-wait", "1000", interface],
            stdout=subprocess.PIPE, stderr=self.stderr, text=True, env=env)
        self.fields = {}

    def first_lease(self):
        """The key=value lines up to the first lease's times."""
        for line in self.process.stdout:
            key, _, value = line.rstrip("\n").partition("=")
            self.fields[key] = value
            if key in ("rebinding_seconds", "error"):
                break
        assert "rebinding_seconds" in self.fields, self.fields | {"stderr": self.stderr_path.read_text()}
        return self.fields

    def finish(self):
        out, _ = self.process.communicate(timeout=60)
        self.fields.update(line.split("=", 1) for line in out.splitlines() if "=" in line)
        print("probe:", " ".join(f"{key}={value}" for key, value in self.fields.items()))
        return self.process.returncode, self.fields

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stderr.close()


@pytest.fixture
def keeping_probe(build_dir, network, tmp_path):
    probes = []

    def start(keep):
        probes.append(KeepingProbe(build_dir, network[1], tmp_path, keep))
        return probes[-1]

    try:
        yield start
    finally:
        for probe in probes:
            probe.close()


def client_addresses(client):
    out = sh("ip", "-n", client, "-4", "-o", "addr", "show", "dev", "eth0").stdout
    return [line.split()[3] for line in out.splitlines()]


def test_lease_is_renewed_in_the_background(network, dnsmasq_server, keeping_probe, tmp_path):
    _, client = network
    dnsmasq_server.start(RANGE, *SHORT_TIMES)
    probe = keeping_probe(10)
    first = probe.first_lease()
    assert (first["renewal_seconds"], first["rebinding_seconds"], first["lease_seconds"]) == ("4", "7", "120")
    code, fields = probe.finish()
    stderr = probe.stderr_path.read_text()
    print(stderr)
    assert code == 0, fields

    address = first["address"]
    ip = address.split("/")[0]
    assert int(fields["renewals"]) >= 1, stderr
    assert fields["naks"] == "0" and fields["expiries"] == "0" and fields["rediscoveries"] == "0"
    assert fields["kept_address"] == address
    assert fields["has_address"] == "yes"
    assert int(fields["stop_ms"]) < 1000  # the keeper stops promptly
    assert f"DHCP: eth0 renewed {ip} for 120 s" in stderr
    assert f"renewing {ip} with {SERVER_IP}" in stderr  # unicast to the server in RENEWING

    # dnsmasq acknowledged the first request and each renewal.
    log = dnsmasq_server.log_path.read_text()
    assert log.count(f"DHCPREQUEST(vsrv) {ip} ") >= 1 + int(fields["renewals"])
    assert log.count(f"DHCPACK(vsrv) {ip} ") >= 1 + int(fields["renewals"])
    assert client_addresses(client) == [address]
    routes = sh("ip", "-n", client, "-4", "route", "show", "default").stdout
    assert f"default via {SERVER_IP} dev eth0" in routes


def test_renewal_applies_changed_options(network, dnsmasq_server, keeping_probe, tmp_path):
    _, client = network
    dnsmasq_server.start(RANGE, *SHORT_TIMES)
    probe = keeping_probe(10)
    address = probe.first_lease()["address"]
    # Same leases, other DNS servers: the next renewal's ACK carries them.
    dnsmasq_server.stop()
    dnsmasq_server.start(RANGE, *SHORT_TIMES, dns=["10.77.0.60"])
    code, fields = probe.finish()
    stderr = probe.stderr_path.read_text()
    print(stderr)
    assert code == 0, fields
    assert int(fields["renewals"]) >= 1, stderr
    assert fields["naks"] == "0"
    assert fields["kept_address"] == address
    assert "the renewed lease changed the configuration" in stderr
    assert (tmp_path / "resolv.conf").read_text() == (
        f"# Written by boot2container\nsearch {DOMAIN}\nnameserver 10.77.0.60\n")
    assert client_addresses(client) == [address]


def test_nak_removes_the_address_and_leases_a_new_one(network, dnsmasq_server, keeping_probe, tmp_path):
    _, client = network
    dnsmasq_server.start(RANGE, *SHORT_TIMES, "--dhcp-authoritative")
    probe = keeping_probe(20)
    old = probe.first_lease()["address"]
    # The same network, another range: the renewal at T1 (4 s) gets a NAK.
    dnsmasq_server.stop()
    dnsmasq_server.start(OTHER_RANGE, *SHORT_TIMES, "--dhcp-authoritative")
    code, fields = probe.finish()
    stderr = probe.stderr_path.read_text()
    print(stderr)
    assert code == 0, fields

    assert int(fields["naks"]) >= 1, stderr
    assert int(fields["rediscoveries"]) >= 1, stderr
    assert fields["has_address"] == "yes"
    new = ipaddress.ip_interface(fields["kept_address"])
    assert ipaddress.ip_address(OTHER_RANGE[0]) <= new.ip <= ipaddress.ip_address(OTHER_RANGE[1])
    assert f"no longer has {old}" in stderr
    assert int(fields["stop_ms"]) < 1000
    assert "DHCPNAK(vsrv)" in dnsmasq_server.log_path.read_text()
    # The old address is gone, the new one and its route are in place.
    assert client_addresses(client) == [str(new)]
    routes = sh("ip", "-n", client, "-4", "route", "show", "default").stdout
    assert f"default via {SERVER_IP} dev eth0" in routes


def test_server_gone_keeps_the_address_while_the_lease_lasts(network, dnsmasq_server, keeping_probe, tmp_path):
    # The lease is 120 s (dnsmasq's minimum): its end, where the address
    # goes, is covered by the unit tests of plan_renewal with a fake clock.
    _, client = network
    dnsmasq_server.start(RANGE, *SHORT_TIMES)
    probe = keeping_probe(12)
    address = probe.first_lease()["address"]
    dnsmasq_server.stop()
    code, fields = probe.finish()
    stderr = probe.stderr_path.read_text()
    print(stderr)
    assert code == 0, fields

    ip = address.split("/")[0]
    assert fields["renewals"] == "0"
    # Renewing at T1 (4 s) and retransmitted, then rebinding at T2 (7 s).
    assert int(fields["requests"]) >= 3, stderr
    assert fields["phase"] == "rebinding"
    assert f"renewing {ip} with {SERVER_IP}" in stderr
    assert f"rebinding {ip} with any server" in stderr
    assert fields["has_address"] == "yes" and fields["expiries"] == "0"
    assert int(fields["stop_ms"]) < 1000
    assert client_addresses(client) == [address]


def test_stop_is_prompt_while_asking_for_a_new_lease(network, dnsmasq_server, keeping_probe, tmp_path):
    # After the NAK the new dnsmasq has no dynamic range: the keeper is still
    # sending DHCPDISCOVERs when the probe stops it.
    _, client = network
    dnsmasq_server.start(RANGE, *SHORT_TIMES, "--dhcp-authoritative")
    probe = keeping_probe(12)
    probe.first_lease()
    dnsmasq_server.stop()
    dnsmasq_server.start(("10.77.0.0", "static"), "--dhcp-authoritative")
    code, fields = probe.finish()
    stderr = probe.stderr_path.read_text()
    print(stderr)
    assert code == 0, fields
    assert fields["naks"] == "1", stderr
    assert fields["rediscoveries"] == "0"
    assert fields["has_address"] == "no"
    assert "asking for a new lease" in stderr
    assert int(fields["stop_ms"]) < 1000
    assert client_addresses(client) == []


@pytest.mark.slow
def test_lease_end_removes_the_address_then_leases_again(network, dnsmasq_server, keeping_probe, tmp_path):
    # dnsmasq's shortest lease is 2 minutes: this test takes about 2.5.
    _, client = network
    dnsmasq_server.start(RANGE, *SHORT_TIMES)
    probe = keeping_probe(150)
    address = probe.first_lease()["address"]
    assert probe.fields["lease_seconds"] == "120"
    dnsmasq_server.stop()

    deadline = time.monotonic() + 140
    while "ended without an answer from any server" not in probe.stderr_path.read_text():
        assert probe.process.poll() is None, probe.stderr_path.read_text()
        assert time.monotonic() < deadline, probe.stderr_path.read_text()
        time.sleep(0.2)
    assert client_addresses(client) == []  # the lease ended: the address went with it
    dnsmasq_server.start(RANGE, *SHORT_TIMES)

    code, fields = probe.finish()
    stderr = probe.stderr_path.read_text()
    print(stderr)
    assert code == 0, fields
    assert fields["expiries"] == "1"
    assert fields["rediscoveries"] == "1"
    assert fields["has_address"] == "yes"
    assert f"no longer has {address}" in stderr
    assert client_addresses(client) == [fields["kept_address"]]
    routes = sh("ip", "-n", client, "-4", "route", "show", "default").stdout
    assert f"default via {SERVER_IP} dev eth0" in routes
