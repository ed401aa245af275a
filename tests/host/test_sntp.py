"""The boot's SNTP client against a real chronyd, across a veth pair joining
two network namespaces. Needs root, iproute2, chrony and dnsmasq.

The probe only measures: the host clock is never set. chronyd runs with -x
(never touches the clock either), its own config, pid file and drift file in
the test's temp dir, and `cmdport 0`, so a chronyd of the system (CI's chrony
package may start one) is neither needed nor disturbed.

chrony 4.3 with `local stratum 1` answers at once with LI 0 and stratum 1:
no extra directive is needed for it to serve valid time.
"""
import os
import re
import shutil
import subprocess
import time

import pytest

from netns import sh, stop, veth, wait_for_udp_socket

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root"),
    pytest.mark.skipif(shutil.which("chronyd") is None, reason="chrony is not installed"),
]

SERVER_IP = "10.78.0.1"
CLIENT_IP = "10.78.0.2"
NAME = "ntp.b2c.test"  # what the test's DNS server says SERVER_IP is called


@pytest.fixture
def network(namespaces):
    server = namespaces.add("ntps")
    client = namespaces.add("ntpc")
    veth(server, "vsrv", client, "eth0", f"{SERVER_IP}/24")
    sh("ip", "-n", client, "addr", "add", f"{CLIENT_IP}/24", "dev", "eth0")
    sh("ip", "-n", client, "link", "set", "eth0", "up")
    return server, client


class Server:
    """A process started in a namespace, with its log; stopped by the test."""

    def __init__(self, namespace, argv, log_path):
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(["ip", "netns", "exec", namespace, *argv],
                                        stdout=self.log, stderr=subprocess.STDOUT)

    def stop(self):
        stop(self.process)
        self.log.close()


def start_chronyd(namespace, tmp_path, port=123):
    conf = tmp_path / f"chrony-{port}.conf"
    conf.write_text("\n".join([
        "local stratum 1",  # serve our own clock as a reference, without sources
        "allow",
        f"bindaddress {SERVER_IP}",
        f"port {port}",
        "cmdport 0",
        f"pidfile {tmp_path / f'chronyd-{port}.pid'}",
        f"driftfile {tmp_path / f'chrony-{port}.drift'}",
    ]) + "\n")
    # -x: never touch the clock; -d: stay in the foreground, log to stderr.
    server = Server(namespace, ["chronyd", "-x", "-d", "-f", str(conf)], tmp_path / f"chronyd-{port}.log")
    try:
        wait_for_udp_socket(namespace, SERVER_IP, port, server.process, server.log_path)
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture
def chronyd(network, tmp_path):
    server = start_chronyd(network[0], tmp_path)
    yield server
    server.stop()


@pytest.fixture
def dns(network, tmp_path):
    """dnsmasq as the DNS server of SERVER_IP: knows NAME, nothing else in
    b2c.test. Returns a resolv.conf naming it."""
    server = Server(network[0], [
        "dnsmasq", "--no-daemon", "--conf-file=/dev/null", f"--listen-address={SERVER_IP}",
        "--bind-interfaces", "--port=53", "--no-resolv", "--no-hosts", "--local=/b2c.test/",
        f"--address=/{NAME}/{SERVER_IP}", f"--pid-file={tmp_path / 'dnsmasq.pid'}", "--user=root",
        "--log-facility=-", "--log-queries"], tmp_path / "dnsmasq.log")
    try:
        wait_for_udp_socket(network[0], SERVER_IP, 53, server.process, server.log_path)
        resolv = tmp_path / "resolv.conf"
        resolv.write_text(f"nameserver {SERVER_IP}\noptions timeout:1 attempts:1\n")
        yield resolv
    finally:
        server.stop()


@pytest.fixture
def black_hole(network, tmp_path):
    """A UDP socket on SERVER_IP that takes datagrams and never answers.
    Returns a function binding a port."""
    servers = []
    script = ("import socket, sys, time\n"
              "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
              "s.bind((sys.argv[1], int(sys.argv[2])))\n"
              "time.sleep(120)\n")

    def bind(port):
        server = Server(network[0], ["/usr/bin/python3", "-c", script, SERVER_IP, str(port)],
                        tmp_path / f"hole-{port}.log")
        servers.append(server)
        wait_for_udp_socket(network[0], SERVER_IP, port, server.process, server.log_path)

    yield bind
    for server in servers:
        server.stop()


def run_probe(build_dir, namespace, *args, resolv_conf=None):
    probe = build_dir / "tests" / "host" / "sntp_probe"
    if not probe.exists():
        pytest.fail(f"{probe} is missing: build it, or point B2C_BUILD_DIR at the build directory")
    argv = ["ip", "netns", "exec", namespace]
    if resolv_conf:
        # A private mount namespace, so that the host's resolv.conf is untouched.
        argv += ["unshare", "--mount", "sh", "-c", 'mount --bind "$0" /etc/resolv.conf && exec "$@"',
                 str(resolv_conf)]
    start = time.monotonic()
    result = subprocess.run(argv + [str(probe), *args], capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - start
    fields = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return result, fields, elapsed


def check_answer(result, fields):
    assert result.returncode == 0, result.stdout + result.stderr
    assert fields["address"] == SERVER_IP
    assert fields["stratum"] == "1"
    offset = int(fields["offset_ns"]) / 1e9
    delay = int(fields["delay_ns"]) / 1e9
    # Both ends read the same host clock: only scheduling noise is left.
    assert abs(offset) < 0.5, f"offset {offset:+.6f} s"
    assert -0.001 < delay < 0.5, f"delay {delay:.6f} s"
    print(f"offset {offset * 1e6:+.1f} us, delay {delay * 1e6:.1f} us, "
          f"time to answer {fields['elapsed_ms']} ms")


def test_offset_from_chronyd_is_small(build_dir, network, chronyd):
    result, fields, _ = run_probe(build_dir, network[1], SERVER_IP)
    check_answer(result, fields)
    assert fields["port"] == "123"


def test_peer_with_a_port(build_dir, network, tmp_path):
    server = start_chronyd(network[0], tmp_path, port=12123)
    try:
        result, fields, _ = run_probe(build_dir, network[1], f"{SERVER_IP}:12123")
    finally:
        server.stop()
    check_answer(result, fields)
    assert fields["port"] == "12123"


def test_peer_by_name(build_dir, network, chronyd, dns):
    result, fields, _ = run_probe(build_dir, network[1], NAME, resolv_conf=dns)
    check_answer(result, fields)


def test_nothing_listening_is_a_quick_clean_failure(build_dir, network):
    # The kernel of the server answers "port unreachable": no need to wait.
    result, fields, elapsed = run_probe(build_dir, network[1], "--budget", "5000", SERVER_IP)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.fullmatch(rf"no valid NTP reply from {SERVER_IP} \(port 123\) in \d+ ms: "
                        rf"{SERVER_IP}: port 123 unreachable \(no NTP server there\)", fields["error"]), fields["error"]
    assert elapsed < 2


@pytest.mark.parametrize("budget_ms, requests", [(5000, 3), (1500, 2)])
def test_silent_peer_fails_within_the_budget(build_dir, network, black_hole, budget_ms, requests):
    # 3 tries of 1 s each; a budget shorter than that cuts them.
    black_hole(123)
    result, fields, elapsed = run_probe(build_dir, network[1], "--budget", str(budget_ms), SERVER_IP)
    assert result.returncode == 1, result.stdout + result.stderr
    assert fields["error"].endswith(f"{SERVER_IP}: no answer to {requests} requests"), fields["error"]
    spent = int(fields["elapsed_ms"])
    assert min(budget_ms, requests * 1000) - 50 <= spent <= budget_ms + 200, spent
    assert elapsed < budget_ms / 1000 + 1.5
    print(f"gave up after {spent} ms (budget {budget_ms} ms)")


def test_unknown_name_is_a_clean_failure(build_dir, network, dns):
    result, fields, elapsed = run_probe(build_dir, network[1], "missing.b2c.test", resolv_conf=dns)
    assert result.returncode == 1, result.stdout + result.stderr
    assert fields["error"].startswith("cannot resolve missing.b2c.test: "), fields["error"]
    assert elapsed < 3


def test_dns_that_never_answers_is_cut_by_the_budget(build_dir, network, black_hole, tmp_path):
    black_hole(53)
    resolv = tmp_path / "silent-resolv.conf"
    # glibc alone would wait 5 s x 2 attempts.
    resolv.write_text(f"nameserver {SERVER_IP}\noptions timeout:5 attempts:2\n")
    result, fields, elapsed = run_probe(build_dir, network[1], "--budget", "1500", NAME, resolv_conf=resolv)
    assert result.returncode == 1, result.stdout + result.stderr
    assert fields["error"] == f"cannot resolve {NAME}: no answer from DNS within 1500 ms"
    assert 1.4 < elapsed < 3.5


def test_kiss_of_death_and_stale_replies_are_refused(build_dir, network, tmp_path):
    """A server written here answers first with a reply to someone else
    (wrong origin), then with a kiss-o'-death: both refused, and the kiss
    stops the client from asking again."""
    script = ("import socket, sys\n"
              "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
              "s.bind((sys.argv[1], 123))\n"
              "for _ in range(10):\n"
              "    request, peer = s.recvfrom(512)\n"
              "    stale = bytearray(48); stale[0] = 0x24; stale[1] = 1\n"
              "    stale[24:32] = bytes(8); stale[32:48] = b'\\xe9' * 16\n"
              "    s.sendto(bytes(stale), peer)\n"
              "    kiss = bytearray(48); kiss[0] = 0x24; kiss[12:16] = b'RATE'\n"
              "    kiss[24:32] = request[40:48]; kiss[32:48] = b'\\xe9' * 16\n"
              "    s.sendto(bytes(kiss), peer)\n"
              "    print('request', flush=True)\n")
    server = Server(network[0], ["/usr/bin/python3", "-c", script, SERVER_IP], tmp_path / "kiss.log")
    try:
        wait_for_udp_socket(network[0], SERVER_IP, 123, server.process, server.log_path)
        result, fields, elapsed = run_probe(build_dir, network[1], SERVER_IP)
    finally:
        server.stop()
    assert result.returncode == 1, result.stdout + result.stderr
    assert fields["error"].endswith(f"{SERVER_IP}: kiss-o'-death RATE (the server refuses to serve us)")
    assert server.log_path.read_text().count("request") == 1
    assert elapsed < 2


def test_late_answer_to_an_earlier_request_is_used(build_dir, network, tmp_path):
    """A server that takes 1.3 s to answer the first request (the client
    sent a second one meanwhile) and ignores the others: the late answer is
    still good, matched to the request it answers."""
    script = ("import socket, struct, sys, time\n"
              "def ntp(t):\n"
              "    return struct.pack('!II', int(t) + 2208988800, int((t % 1) * 2**32))\n"
              "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
              "s.bind((sys.argv[1], 123))\n"
              "request, peer = s.recvfrom(512)\n"
              "t2, m2 = time.time(), time.monotonic()\n"
              "time.sleep(1.3)\n"
              # t3 from the monotonic clock, as the client's t4: these VMs'
              # wall clock is set from outside now and then (a step of 6 ms
              # once made the delay negative here).
              "t3 = t2 + (time.monotonic() - m2)\n"
              "reply = bytes([0x24, 2, 6, 0xec]) + bytes(20) + request[40:48] + ntp(t2) + ntp(t3)\n"
              "s.sendto(reply, peer)\n"
              "print('answered', flush=True)\n"
              "while True:\n"
              "    s.recvfrom(512)\n"
              "    print('ignored', flush=True)\n")
    server = Server(network[0], ["/usr/bin/python3", "-c", script, SERVER_IP], tmp_path / "late.log")
    try:
        wait_for_udp_socket(network[0], SERVER_IP, 123, server.process, server.log_path)
        result, fields, _ = run_probe(build_dir, network[1], SERVER_IP)
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert fields["stratum"] == "2"
    assert server.log_path.read_text().split() == ["answered", "ignored"]
    assert int(fields["elapsed_ms"]) >= 1300
    # The server's own 1.3 s is not part of the delay, nor of the offset.
    assert abs(int(fields["offset_ns"])) < 100_000_000
    assert 0 <= int(fields["delay_ns"]) < 100_000_000
