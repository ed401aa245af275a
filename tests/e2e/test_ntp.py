"""b2c.ntp_peer: the guest boots with its RTC in 2015 and sets its clock from
a real chronyd on the host's loopback (10.0.2.2 for the guest) before the
pipeline runs; a peer that never answers does not hold the boot up.

chronyd runs with -x (it never touches the host's clock), its own config,
pid and drift files in a temp dir, `cmdport 0` and a free port, so that a
chronyd of the system is neither needed nor disturbed."""
import re
import shutil
import socket
import subprocess
import time

import pytest

from test_pipeline import VM_FAILURES, lines

pytestmark = pytest.mark.skipif(shutil.which("chronyd") is None, reason="chrony is not installed")

RTC_2015 = 1_420_070_400  # 2015-01-01T00:00:00Z, the guest's RTC at power on
QEMU_RTC_2015 = ("--qemu", "-rtc", "--qemu", "base=2015-01-01T00:00:00")
BUDGET_S = 5  # what init/boot_sequence.cpp gives NTP


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_udp_port(port, process, log, timeout=10):
    deadline = time.monotonic() + timeout
    while f"127.0.0.1:{port} " not in subprocess.run(["ss", "-H", "-u", "-l", "-n"], capture_output=True,
                                                     text=True).stdout:
        assert process.poll() is None, f"exited: {log.read_text(errors='replace')}"
        assert time.monotonic() < deadline, f"nothing bound 127.0.0.1:{port} in {timeout} s"
        time.sleep(0.05)


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def chronyd(tmp_path):
    port = free_udp_port()
    conf = tmp_path / "chrony.conf"
    conf.write_text("\n".join([
        "local stratum 1",  # serve the host's clock as a reference, without sources
        "allow",
        "bindaddress 127.0.0.1",
        f"port {port}",
        "cmdport 0",
        f"pidfile {tmp_path / 'chronyd.pid'}",
        f"driftfile {tmp_path / 'chrony.drift'}",
    ]) + "\n")
    log_path = tmp_path / "chronyd.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(["chronyd", "-x", "-d", "-f", str(conf)], stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_udp_port(port, process, log_path)
        yield port
    finally:
        stop(process)


@pytest.fixture
def silent_port():
    """A UDP port on loopback that takes datagrams and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


def clock_phase_seconds(r):
    m = re.search(r"Clock: done in ([0-9.]+) s", r.text)
    assert m, r.why("expected the Clock phase to end")
    return float(m.group(1))


def test_clock_is_set_from_ntp_before_the_pipeline(boot, image, chronyd):
    r = boot(f"b2c.ntp_peer=10.0.2.2:{chronyd}", f"b2c.run=\"{image} sh -c 'echo now=$(busybox date +%s)'\"",
             extra=QEMU_RTC_2015)
    host_now = time.time()
    assert r.code == 0, r.why("expected status 0")
    assert "not supported yet" not in r.text, r.why("b2c.ntp_peer is supported now")

    step = re.search(rf"NTP: clock set from 10\.0\.2\.2:{chronyd} \(10\.0\.2\.2, stratum 1\): "
                     r"moved by \+([0-9.]+) s, in ([0-9]+) ms", r.text)
    assert step, r.why("expected the 'NTP: clock set' line")
    moved, took_ms = float(step.group(1)), int(step.group(2))
    # From 2015 to now, give or take the guest's uptime and the boot's length.
    assert abs(moved - (host_now - RTC_2015)) < 600, r.why(f"moved by {moved} s")
    assert moved > 5 * 365 * 86400, r.why("the step should be of years")

    # The container reads the corrected clock.
    seen = lines(r.text, r"now=[0-9]+")
    assert len(seen) == 1, r.why("expected the container's date")
    guest_now = int(seen[0].split("=")[1])
    assert abs(guest_now - host_now) < 60, r.why(f"guest {guest_now} vs host {host_now:.0f}")
    # Set before anything was pulled.
    container_line = re.search(r"^now=[0-9]+$", r.text, re.MULTILINE).start()
    assert step.start() < container_line, r.why("the clock must be set first")
    print(f"NTP time to set: {took_ms} ms; Clock phase {clock_phase_seconds(r):.2f} s; moved by +{moved:.3f} s")


def test_silent_peer_does_not_hold_the_boot(boot, image, silent_port):
    r = boot(f"b2c.ntp_peer=10.0.2.2:{silent_port}", f"b2c.run=\"{image} sh -c 'echo ran-$((3+4))'\"",
             extra=QEMU_RTC_2015)
    assert r.code not in VM_FAILURES, r.why("the machine must end cleanly")
    assert r.code == 0, r.why("a silent NTP peer is no reason to fail the boot")
    assert re.search(rf"NTP: the clock was not set from 10\.0\.2\.2:{silent_port}: .*"
                     r"10\.0\.2\.2: no answer to [0-9]+ requests; going on with the current clock", r.text), \
        r.why("expected the NTP warning")
    assert lines(r.text, "ran-7"), r.why("the pipeline must still run")
    spent = clock_phase_seconds(r)
    assert spent <= BUDGET_S + 1, r.why(f"the Clock phase took {spent} s")
    print(f"Clock phase with a silent peer: {spent:.2f} s")
