"""Networking in QEMU: b2c.iface (DHCP and static, routes, nameservers,
forward), b2c.hostname, b2c.extra_args_url, their errors, and the farm
gateway of the paper with two machines."""
import re
import time

import pytest

from conftest import free_port
from file_server import FileServer
from test_pipeline import assert_ended_before_pipeline, lines


def socket_nic(mode, port, mac):
    """A second NIC joined to another QEMU (or to nobody) by a TCP socket."""
    return ("--qemu", "-nic", "--qemu", f"socket,{mode}=127.0.0.1:{port},model=virtio-net-pci,mac={mac}")


def wait_listening(port, timeout=30):
    """Until a socket listens on 127.0.0.1:port, read from /proc/net/tcp
    (connecting would take the single peer slot of QEMU's socket NIC)."""
    needle = f"0100007F:{port:04X}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in open("/proc/net/tcp").read().splitlines()[1:]:
            fields = line.split()
            if fields[1] == needle and fields[3] == "0A":
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def test_dhcp_and_static_interfaces_seen_from_a_container(boot, image):
    r = boot("b2c.hostname=farm-gw-7",
             "b2c.iface=eth0,dhcp,nameserver=9.9.9.9,route=10.123.0.0/16:10.0.2.2",
             "b2c.iface=eth1,address=192.168.42.1/24,forward",
             f"b2c.run=\"{image} sh -c 'echo host=$(hostname); cat /etc/resolv.conf; ip -4 -o addr; "
             "ip -4 route; echo fwd=$(cat /proc/sys/net/ipv4/ip_forward)'\"",
             extra=socket_nic("listen", free_port(), "52:54:00:b2:c0:01"))
    assert r.code == 0, r.why("expected status 0")
    out = r.after("host=")
    assert lines(out, "host=farm-gw-7"), r.why("the container should see b2c.hostname")
    # Static nameservers first, then DHCP's (QEMU's user network: 10.0.2.3).
    servers = re.findall(r"^nameserver (\S+)$", out, re.MULTILINE)
    assert servers[:2] == ["9.9.9.9", "10.0.2.3"], r.why("nameservers in /etc/resolv.conf")
    assert re.search(r"eth0\s+inet 10\.0\.2\.15/24", out), r.why("eth0 should have its DHCP lease")
    assert re.search(r"eth1\s+inet 192\.168\.42\.1/24", out), r.why("eth1 should have its static address")
    assert re.search(r"^default via 10\.0\.2\.2 dev eth0", out, re.MULTILINE), r.why("default route")
    assert re.search(r"^10\.123\.0\.0/16 via 10\.0\.2\.2 dev eth0", out, re.MULTILINE), r.why("route=")
    assert lines(out, "fwd=1"), r.why("forward should enable IPv4 forwarding")


@pytest.fixture
def extra_args():
    servers = []

    def serve(text):
        servers.append(FileServer({"/args": text}))
        return servers[-1]

    yield serve
    for server in servers:
        server.stop()


def test_extra_args_url_adds_options(boot, image, extra_args):
    server = extra_args(
        f"b2c.run=\"{image} sh -c 'echo extra-ran-$((3+4)) on $(hostname)'\"\n"
        "b2c.hostname=from-extra\n")
    r = boot(f"b2c.extra_args_url=http://10.0.2.2:{server.port}/args",
             f"b2c.run=\"{image} sh -c 'echo cmdline-ran-$((1+1))'\"")
    assert r.code == 0, r.why("expected status 0")
    assert server.requests == ["/args"]
    text = r.after_section("extra_args") or r.text
    first = text.find("cmdline-ran-2")
    second = text.find("extra-ran-7 on from-extra")
    assert first >= 0, r.why("the command line's b2c.run should run")
    assert second > first, r.why("the downloaded b2c.run should run after it, on host from-extra")


def test_extra_args_download_failure_powers_off_without_running(boot, image, extra_args):
    server = extra_args("")
    r = boot(f"b2c.extra_args_url=http://10.0.2.2:{server.port}/missing",
             f"b2c.run=\"{image} sh -c 'echo ran-$((2+2))'\"")
    assert f"cannot download http://10.0.2.2:{server.port}/missing: the server answered HTTP 404" in r.text, \
        r.why("expected the URL and the reason")
    assert not lines(r.text, "ran-4"), r.why("the pipeline must not run")
    assert_ended_before_pipeline(r)


def test_bad_cidr_and_bad_route_are_refused(boot, image):
    r = boot("b2c.iface=eth0,address=10.0.2.300/24",
             "b2c.iface=eth1,address=192.168.1.1/24,route=10.0.0.0/8",
             f"b2c.run=\"{image} sh -c 'echo ran-$((2+2))'\"")
    assert re.search(r"b2c\.iface.*address=10\.0\.2\.300/24 is not an IPv4 address", r.text), r.why("bad CIDR")
    assert re.search(r"b2c\.iface.*route=10\.0\.0\.0/8 is not a route", r.text), r.why("bad route")
    assert not lines(r.text, "ran-4"), r.why("the pipeline must not run")
    assert_ended_before_pipeline(r)


def test_missing_interface_powers_off_naming_it(boot, image):
    r = boot("b2c.iface=eth5,dhcp", f"b2c.run=\"{image} sh -c 'echo ran-$((2+2))'\"")
    assert "network interface eth5 did not appear within 10 s" in r.text, r.why("expected eth5 named")
    assert not lines(r.text, "ran-4"), r.why("the pipeline must not run")
    assert_ended_before_pipeline(r)


def test_farm_gateway_with_two_machines(start_boot, registry, busybox_image):
    """The paper's gateway: A has a DHCP uplink (forward) and the static LAN
    192.168.42.1/24; B is static on that LAN with A as gateway for A's uplink
    network, and talks to A's uplink address across it. B has its own QEMU
    user network on another subnet, only to pull its image."""
    lan = free_port()
    a_image = f"--tls-verify=false {registry.guest}/{busybox_image}"
    b_image = f"--tls-verify=false 10.0.3.2:{registry.port}/{busybox_image}"
    a = start_boot("b2c.hostname=gateway",
                   "b2c.iface=eth0,dhcp,forward", "b2c.iface=eth1,address=192.168.42.1/24",
                   f"b2c.run=\"{a_image} sh -c 'echo fwd=$(cat /proc/sys/net/ipv4/ip_forward); "
                   "nc -l -p 7777; echo listener-done'\"",
                   timeout=300, extra=socket_nic("listen", lan, "52:54:00:b2:c0:0a"))
    # B's QEMU connects to A's socket: A's must be listening first.
    wait_listening(lan)
    b = start_boot("b2c.hostname=lan-host",
                   "b2c.iface=eth0,dhcp",
                   "b2c.iface=eth1,address=192.168.42.2/24,route=10.0.2.0/24:192.168.42.1",
                   f"b2c.run=\"{b_image} sh -c 'ip -4 route; for i in $(seq 90); do "
                   "echo hello-from-lan-host | nc -w 2 10.0.2.15 7777 && break; sleep 1; done; echo tries=$i'\"",
                   timeout=300,
                   extra=("--user-net", "net=10.0.3.0/24") + socket_nic("connect", lan, "52:54:00:b2:c0:0b"))
    rb = b.wait()
    ra = a.wait()
    assert rb.code == 0, rb.why("B should end with status 0")
    assert re.search(r"^10\.0\.2\.0/24 via 192\.168\.42\.1 dev eth1", rb.text, re.MULTILINE), \
        rb.why("B should route A's uplink network through A")
    assert ra.code == 0, ra.why("A should end with status 0")
    assert lines(ra.text, "fwd=1"), ra.why("A should forward")
    assert lines(ra.text, "hello-from-lan-host"), ra.why("A should have received B's message across the LAN")


def test_kernel_ip_option_on_a_kernel_without_ip_autoconfiguration(boot, image):
    # Debian's kernel is built without CONFIG_IP_PNP: it ignores ip=, so we
    # configure the network ourselves instead of booting without one.
    r = boot("ip=dhcp", f"b2c.run=\"{image} sh -c 'echo ran-$((2+2)); cat /etc/resolv.conf'\"")
    assert r.code == 0, r.why("expected status 0")
    assert "ip= given, but this kernel has no IP autoconfiguration" in r.text, r.why("expected the warning")
    assert lines(r.text, "ran-4") and lines(r.text, "nameserver 10.0.2.3"), r.why("DHCP should have run")
