"""Ceph's RADOS Gateway on loopback: a real S3 server that checks every
signature (s3rver checks none). A one-node cluster made from nothing in a
temporary directory with Debian's packages (radosgw, ceph-mon, ceph-osd):

* one monitor (monmaptool --create, ceph-mon --mkfs), no manager;
* one OSD on memstore (its objects live in the OSD's RAM), pools of size 1;
* no cephx (auth_*_required = none) and `ms mon client mode = crc`: without
  it the clients loop on "get_initial_auth_request returned -13";
* `paxos propose interval = 0.1`: with the default 1 s, the first PUT waits
  ~18 s while radosgw creates its pools one map update at a time;
* radosgw started once the OSD is up (before, its first requests wait ~5 s),
  listening with beast on 127.0.0.1:PORT, with SSE-C allowed over plain HTTP
  (`rgw crypt require ssl = false`), 64 threads instead of 512;
* one user, made with radosgw-admin with the access and secret keys given;
  add_user() makes more, each in a tenant of its own;
* `osd client watch timeout = 3`: radosgw watches objects to hear of
  metadata changes; after kill_gateway(), the dead radosgw's watches make
  the next radosgw-admin wait for them (30 s by default, then ~2 s).

Measured on 2 busy cores: up in 2.5-4 s, 125 MiB resident (mon, OSD,
radosgw); memstore keeps every object in the OSD's RAM, deleted ones too.

Every daemon runs in the foreground (-f) as a child of the test process,
dies with it (PR_SET_PDEATHSIG) and is stopped by stop(), pass or fail.
Their logs stay in DIRECTORY/log until the directory is deleted.
"""
import contextlib
import ctypes
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid

REQUIRED = ["ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph"]
ACCESS_KEY = "B2CRGWACCESS0KEY4711"
SECRET_KEY = "b2c-rgw-Secret-Key-0815-do-not-print-me"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():
    # PR_SET_PDEATHSIG: a daemon never outlives a test run that was killed.
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


@contextlib.contextmanager
def started(directory):
    """A started RGW in `directory`, stopped at the end of the block, even
    when it failed to start."""
    missing = [name for name in REQUIRED if shutil.which(name) is None]
    if missing:
        raise RuntimeError(f"{', '.join(missing)} missing: apt-get install radosgw ceph-mon ceph-osd "
                           "(ci/install-deps does)")
    cluster = RGW(directory)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


class RGW:
    """start() makes and starts the cluster; stop() stops every daemon."""

    def __init__(self, directory, access_key=ACCESS_KEY, secret_key=SECRET_KEY, uid="b2c-tests"):
        self.directory = pathlib.Path(directory)
        self.access_key = access_key
        self.secret_key = secret_key
        self.uid = uid
        self.mon_port = free_port()
        self.port = free_port()
        self.conf = self.directory / "ceph.conf"
        self.env = dict(os.environ, CEPH_CONF=str(self.conf))
        self.processes = {}
        self.timings = {}
        self.users = 0

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------
    def _write_config(self, fsid):
        d = self.directory
        for sub in ("mon", "osd", "run", "log", "rgw"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        self.conf.write_text(f"""[global]
fsid = {fsid}
mon host = [v2:127.0.0.1:{self.mon_port}]
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
keyring = {d}/keyring
run dir = {d}/run
admin socket = {d}/run/$name.asok
pid file = {d}/run/$name.pid
log file = {d}/log/$name.log
log to stderr = false
err to stderr = true
mon cluster log file = {d}/log/cluster.log
crash dir = {d}/crash
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false

[mon]
mon data = {d}/mon
paxos propose interval = 0.1
mon data avail warn = 1
mon data avail crit = 0

[osd]
osd data = {d}/osd
osd objectstore = memstore
memstore device bytes = 4294967296
osd client watch timeout = 3

[client]
rgw data = {d}/rgw
rgw frontends = beast endpoint=127.0.0.1:{self.port}
rgw crypt require ssl = false
rgw thread pool size = 64
""")
        (d / "keyring").touch()

    def _run(self, *argv, timeout=60):
        result = subprocess.run(argv, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                timeout=timeout, cwd=self.directory)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}\n{self.logs()}")
        return result.stdout

    def _daemon(self, name, *argv):
        out = open(self.directory / "log" / f"{name}.out", "ab")
        self.processes[name] = subprocess.Popen(argv, env=self.env, stdin=subprocess.DEVNULL, stdout=out,
                                                stderr=subprocess.STDOUT, cwd=self.directory,
                                                preexec_fn=_die_with_parent)
        out.close()

    def _check_alive(self):
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}\n{self.logs()}")

    def _wait(self, what, condition, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._check_alive()
            if condition():
                return
            time.sleep(0.05)
        raise RuntimeError(f"timed out waiting for {what}\n{self.logs()}")

    def _mark(self, step, since):
        self.timings[step] = time.monotonic() - since

    # ------------------------------------------------------------------
    def start(self):
        begin = time.monotonic()
        fsid = str(uuid.uuid4())
        self._write_config(fsid)
        monmap = self.directory / "monmap"
        self._run("monmaptool", "--create", "--fsid", fsid, "--addv", "a", f"[v2:127.0.0.1:{self.mon_port}]",
                  str(monmap))
        self._run("ceph-mon", "--mkfs", "-i", "a", "--monmap", str(monmap))
        self._daemon("mon.a", "ceph-mon", "-f", "-i", "a")
        self._mark("mon started", begin)

        osd_uuid = str(uuid.uuid4())
        osd_id = self._run("ceph", "osd", "new", osd_uuid).strip()
        self._mark("osd created", begin)
        self._run("ceph-osd", "-i", osd_id, "--mkfs", "--osd-uuid", osd_uuid)
        self._daemon("osd." + osd_id, "ceph-osd", "-f", "-i", osd_id)
        self._wait("the OSD to be up", self._osd_up, 60)
        self._mark("osd up", begin)

        self._daemon("client.rgw", "radosgw", "-f", "-n", "client.rgw")
        self._run("radosgw-admin", "user", "create", "--uid", self.uid, "--display-name", self.uid,
                  "--access-key", self.access_key, "--secret-key", self.secret_key)
        self._mark("user created", begin)
        self._wait("radosgw to answer", self._answers, 60)
        self._mark("rgw answers", begin)
        return self

    def add_user(self):
        """A new user in a new tenant: its buckets are its own (bucket names
        are per tenant), so a test can take the cluster without emptying
        the buckets of the tests before. (access key, secret key)."""
        self.users += 1
        tenant = f"t{self.users}"
        access_key = f"B2CRGW{self.users:06d}ACCESSKEY"[:20]
        secret_key = f"b2c-rgw-{tenant}-{uuid.uuid4().hex}"
        self._run("radosgw-admin", "user", "create", "--tenant", tenant, "--uid", self.uid, "--display-name", self.uid,
                  "--access-key", access_key, "--secret-key", secret_key)
        return access_key, secret_key

    def kill_gateway(self):
        """SIGKILL to radosgw alone, as a server that dies; the cluster stays."""
        process = self.processes.pop("client.rgw")
        process.kill()
        process.wait()

    def start_gateway(self):
        """radosgw again, on the same port, once it answers."""
        self._daemon("client.rgw", "radosgw", "-f", "-n", "client.rgw")
        self._wait("radosgw to answer", self._answers, 60)

    @property
    def gateway_log(self):
        """radosgw's log: beast writes one line per request, with its URI."""
        return self.directory / "log" / "client.rgw.log"

    def describe_start(self):
        steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in self.timings.items())
        return f"{steps}; {self.rss_kib() // 1024} MiB resident"

    def _osd_up(self):
        result = subprocess.run(["ceph", "osd", "stat", "-f", "json"], env=self.env, capture_output=True, text=True,
                                timeout=30)
        return result.returncode == 0 and json.loads(result.stdout).get("num_up_osds", 0) >= 1

    def _answers(self):
        try:
            urllib.request.urlopen(self.url + "/", timeout=2).close()
            return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    def stop(self):
        """Stops radosgw, then the OSD, then the monitor. The OSD gets
        SIGKILL: on a clean stop, memstore writes all it holds to its
        directory, which is about to be deleted."""
        for name in reversed(list(self.processes)):
            process = self.processes[name]
            if process.poll() is None:
                if name.startswith("osd."):
                    process.kill()
                else:
                    process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()

    def logs(self, lines=30):
        text = []
        for path in sorted((self.directory / "log").glob("*")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            text.append(f"--- {path.name} ---\n" + "\n".join(tail))
        return "\n".join(text)

    def rss_kib(self):
        """The resident memory of every daemon, in KiB."""
        total = 0
        for process in self.processes.values():
            try:
                for line in pathlib.Path(f"/proc/{process.pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total
