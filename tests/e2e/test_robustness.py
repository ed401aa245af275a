"""What an attacker or an unlucky farm does to a boot: secrets inside broken
options, a boot sequence that crashes, a power cut right after a pull, a
registry that accepts connections and never answers. Each must end in a
clean, named outcome, with the lines farm executors wait for."""
import re
import socket
import threading
import time

import pytest

from conftest import POWER_OFF_LINE, STATUS_LINE
from test_pipeline import VM_FAILURES, assert_ended_before_pipeline, lines
from test_storage import disks, raw_disk

# Every kind of secret, each inside an option with an error: none may reach
# the console, whatever the error.
BROKEN_SECRETS = {
    "b2c.login=docker.io,username=u,password=PWlogin-e2e-71,tls_verify=maybe": ["PWlogin-e2e-71"],
    'b2c.login="registry.example",username=u,password=PWquoted-e2e-72,tls_verify=x': ["PWquoted-e2e-72"],
    "b2c.login=password=PWhead-e2e-73,username=u": ["PWhead-e2e-73"],
    "b2c.minio=srv,ftp://h,AKminio-e2e-74,SKminio-e2e-75": ["AKminio-e2e-74", "SKminio-e2e-75"],
    "b2c.minio=srv2,AKorder-e2e-76,SKorder-e2e-77,https://h": ["AKorder-e2e-76", "SKorder-e2e-77"],
    "b2c.minio=srv3,https://user:PWurl-e2e-78@h,AKurl-e2e-79,SKurl-e2e-80,extra": [
        "PWurl-e2e-78", "AKurl-e2e-79", "SKurl-e2e-80"],
    "b2c.volume=v1,fscrypt_key=NotBase64FscryptKey-e2e-81": ["NotBase64FscryptKey-e2e-81"],
    "b2c.volume=v2,encrypt_key=EKsse-e2e-82,filesystem=undeclared": ["EKsse-e2e-82"],
}


def test_secrets_in_broken_options_never_reach_the_console(boot, image):
    r = boot(*BROKEN_SECRETS, f"b2c.run=\"{image} sh -c 'echo ran-$((1+1))'\"")
    assert_ended_before_pipeline(r)
    assert not lines(r.text, "ran-2"), r.why("a command line with errors must not run its pipeline")
    for option in ("b2c.login", "b2c.minio", "b2c.volume"):
        assert re.search(rf"ERROR: {re.escape(option)}: ", r.text), r.why(f"expected an error naming {option}")
    for secrets in BROKEN_SECRETS.values():
        for secret in secrets:
            assert secret.encode() not in r.raw, r.why(f"{secret} was printed")


def test_a_crashed_boot_sequence_still_ends_the_session(boot, image):
    # A privileged container sees every process (--pid=host): it kills the
    # boot sequence (comm "init", not PID 1) with SIGSEGV, as a bug would.
    # (No double quote in it: the kernel's command line cannot nest them.)
    crash = ("cat /proc/self/oom_score_adj /proc/1/oom_score_adj; "
             "for d in /proc/[0-9]*; do p=${d#/proc/}; "
             "[ $p != 1 ] && [ $(cat $d/comm 2>/dev/null) = init ] && kill -SEGV $p; done; sleep 120")
    r = boot("b2c.poweroff_delay=2", 'b2c.shutdown_cmd="/usr/bin/conmon --version"',
             f"b2c.run=\"--pid=host {image} sh -c '{crash}'\"", timeout=240)
    assert "the boot sequence crashed (Segmentation fault)" in r.text, r.why("PID 1 should say why")
    # PID 1 prints what the boot sequence could not: the status line (a
    # failure) and the session's end, then the delay and the user's command.
    assert r.executor_status() == 1, r.why("expected 'Execution is over, pipeline status: 1' from PID 1")
    assert r.executor_saw_session_end(), r.why("a farm executor must see the session end")
    end = r.after(POWER_OFF_LINE)
    assert "powering off in 2 s" in end and "conmon version" in end, r.why("delay and b2c.shutdown_cmd must run")
    assert r.code == 1, r.why("b2c-vm reads the status PID 1 printed")
    # The container runs with the default OOM score; the init is protected.
    assert lines(r.text, "0") and lines(r.text, "-1000"), r.why("expected oom_score_adj 0 and -1000")


def test_a_power_cut_right_after_a_pull_leaves_a_usable_cache(start_boot, boot, image, tmp_path):
    """A farm power-cycles a machine whose job timed out. Seconds after the
    pull, ext4 has committed the image store's records but not always the
    layers' data: on main the next boot found 'sh' missing, on every boot."""
    disk = raw_disk(tmp_path)
    first = start_boot("b2c.cache_device=auto",
                       f"b2c.run=\"{image} sh -c 'echo pulled-$((1+1)); sleep 600'\"",
                       timeout=400, extra=disks(disk))
    deadline = time.monotonic() + 400
    while not re.search(r"^pulled-2$", first.console(), re.M):
        assert first.proc.poll() is None and time.monotonic() < deadline, \
            f"the first boot ended before its container ran:\n{first.console()[-3000:]}"
        time.sleep(0.5)
    # The metadata is committed every 5 s, the data written back after 30 s.
    # b2c-vm stops QEMU at once: the guest's page cache is lost, as in a
    # power cut.
    time.sleep(8)
    first.kill()

    r = boot("b2c.cache_device=auto", f"b2c.run=\"{image} sh -c 'echo second-$((2+2))'\"",
             timeout=400, extra=disks(disk))
    assert r.code == 0, r.why("the cache must still run the image after a power cut")
    assert lines(r.text, "second-4"), r.why()
    assert r.executor_saw_success() and r.executor_saw_session_end(), r.why()


class SilentRegistry:
    """A TCP server that accepts connections and never answers: a registry
    stuck behind a dead proxy."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        self.connections = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self):
        self.server.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def silent_registry():
    registry = SilentRegistry()
    yield registry
    registry.close()


def test_a_stalled_registry_cannot_hang_the_machine(boot, silent_registry):
    r = boot("b2c.pull_stall_timeout=15",
             f"b2c.run=\"--tls-verify=false 10.0.2.2:{silent_registry.port}/stuck:latest true\"",
             timeout=400)
    assert r.code not in VM_FAILURES, r.why("the machine must end on its own, not hang")
    assert re.search(r"received nothing for 15 s: stopped", r.text), r.why("expected the stalled pull named")
    assert r.executor_status() == 125, r.why("a container that cannot be pulled counts as 125")
    assert r.executor_saw_session_end(), r.why()
    assert POWER_OFF_LINE in r.after(STATUS_LINE), r.why()
