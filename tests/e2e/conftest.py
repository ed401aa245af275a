"""End-to-end tests: the initramfs we ship, booted in QEMU (TCG) by b2c-vm.

Run with `/usr/bin/python3 -m pytest tests/e2e` from the top of the
repository. Inputs:

* B2C_BUILD_DIR (default /work/main/build): holds tools/b2c-vm,
  initramfs-core.linux_amd64.cpio.zst, modules-KVER.cpio.zst,
  initramfs.linux_amd64.cpio.zst and init/b2c-init; with -Darm64=true
  (B2C_ARM64=1) also the arm64 files and Debian's arm64 kernel
  (test_arm64.py: skipped without them, failed without them when
  B2C_ARM64=1, as in CI).

Host needs: qemu-system-x86, docker-registry, podman, busybox-static,
apache2-utils (htpasswd). No network access and no root-owned state is
touched: the registries listen on 127.0.0.1 with free ports and store in temp
folders; podman uses a private --root/--runroot with the vfs driver.

Every boot's console is kept in tests/e2e/.work/<test>.log, and searched
for every secret the test gave (tests/leaks.py): a secret printed anywhere
fails the test that booted.
"""
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import leaks  # noqa: E402

secret_watch = leaks.secret_watch  # autouse: every test's secrets are watched
WORK = HERE / ".work"

BUSYBOX = "/bin/busybox"
APPLETS = [
    "sh", "ash", "echo", "cat", "ls", "env", "uname", "sleep", "poweroff", "reboot",
    "halt", "test", "[", "grep", "wget", "nc", "printf", "true", "false", "mkdir",
    "touch", "id", "hostname", "httpd", "seq", "rm", "mount", "ps", "sync", "ip", "date", "ping",
]

REG_USER = "b2cuser"
# Distinctive strings, so that "appears in the log" cannot be a coincidence.
REG_PASSWORD = "Sesame-b2c-4711"
REG_WRONG_PASSWORD = "Wrong-b2c-0815"

# The kernel's own line (printk's timestamp, capital K): not the init's
# "[4.19]: kernel command line: ...", which is redacted and checked.
KERNEL_COMMAND_LINE = re.compile(rb"^[^\n]*\[ *\d+\.\d+\] Kernel command line: [^\n]*$", re.M)

ANSI_RE = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])")

# The console contract (docs/cmdline.md): the lines farm executors wait for,
# and the regular expressions they match them with, on raw console bytes.
STATUS_LINE = "Execution is over, pipeline status:"
POWER_OFF_LINE = "It's now safe to turn off your computer"
REBOOT_LINE = "Rebooting the computer"
EXECUTOR_SUCCESS = re.compile(rb"\[.*\]: Execution is over, pipeline status: 0\r$", re.M)
EXECUTOR_SESSION_END = re.compile(rb"^.*It's now safe to turn off your computer\r$", re.M)


def executor_status(raw: bytes):
    """N of the last status line as an executor would read it (with its
    \\r), or None."""
    found = re.findall(rb"\[.*\]: Execution is over, pipeline status: (-?[0-9]+)\r$", raw, re.M)
    return int(found[-1]) if found else None


# Under TCG with 2 vCPUs (QEMU 7.2, Debian 12), a few boots in a hundred
# hang: both CPUs spin in the kernel (soft lockups naming podman and
# conmon, RCU stalls) and never recover, whatever the test. The harness
# stops such a machine at once (GuestHung), and a test that failed while
# one of its guests hung runs once more (pytest_runtest_protocol below).
# Each guest panics at its first soft lockup with every CPU's backtrace
# (GUEST_DIAGNOSTICS), for the day someone looks for the cause.
GUEST_HANG = re.compile(rb"watchdog: BUG: soft lockup - CPU#\d+ stuck for")
GUEST_DIAGNOSTICS = ("softlockup_panic=1", "panic_print=0x40")


def hang_summary(raw: bytes) -> str:
    """Where each CPU was when the guest panicked at its soft lockup, from
    panic_print's NMI backtraces: "cpu 0 podman: RIP <- caller <- ...", so
    that CI's figures tell where the kernel spins without opening a log."""
    kernel_lines = [m.group(1) for m in re.finditer(rb"^\[\s*[0-9.]+\] ?(.*?)\r?$", raw, re.M)]
    summary, cpu = [], None
    for line in (l.decode("utf-8", errors="replace").strip() for l in kernel_lines):
        if m := re.match(r"NMI backtrace for cpu (\d+)( skipped: idling)?", line):
            cpu = {"id": m.group(1), "comm": "", "rip": "", "frames": [], "in_task": False}
            summary.append(cpu)
            if m.group(2):
                cpu["rip"], cpu = "idle", None
        elif cpu is None:
            continue
        elif m := re.match(r"CPU: \d+ PID: \d+ Comm: (\S+)", line):
            cpu["comm"] = m.group(1)
        elif m := re.match(r"RIP: 0010:(\S+)", line):
            cpu["rip"] = m.group(1)
        elif line == "<TASK>":
            cpu["in_task"], cpu["frames"] = True, []
        elif line == "</TASK>" or line.startswith("Kernel Offset"):
            cpu = None
        elif cpu["in_task"] and (m := re.match(r"([A-Za-z_][\w.]*)\+0x[0-9a-f]+/0x[0-9a-f]+", line)) \
                and not m.group(1).startswith("asm_"):  # not the interrupt's entry
            cpu["frames"].append(m.group(1))
    parts = []
    for c in summary:
        frames = [f for f in c["frames"] if f != c["rip"].split("+")[0]][:4]
        who = " ".join(filter(None, ["cpu", c["id"], c["comm"]]))
        parts.append(f"{who}: " + " <- ".join([c["rip"] or "?", *frames]))
    return "; ".join(parts) if parts else "no backtrace on the console"


class GuestHung(Exception):
    """A guest reported a soft lockup (GUEST_HANG) and was stopped; `result`
    is its BootResult."""

    def __init__(self, result):
        super().__init__(f"guest soft lockup under TCG, machine stopped (console {result.log})")
        self.result = result


def record_measurement(line: str):
    """Keeps a figure a test measured in .work/measurements.txt (ci/test
    prints the file at the end), and prints it for `pytest -s`."""
    print(line)
    WORK.mkdir(exist_ok=True)
    with open(WORK / "measurements.txt", "a") as out:
        out.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")


def clean_console(raw: bytes) -> str:
    """Console bytes as text: no ANSI escapes, no carriage returns."""
    text = raw.decode("utf-8", errors="replace")
    text = ANSI_RE.sub("", text)
    return text.replace("\r", "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc: subprocess.Popen, seconds: float = 10):
    """SIGTERM, then SIGKILL if it is still there after `seconds`."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _run(argv, **kwargs):
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed ({result.returncode}):\n"
                           f"{result.stdout}")
    return result.stdout


# --------------------------------------------------------------------------
# build inputs

def pytest_collection_modifyitems(items):
    """The boots on the kernel with its drivers built in come last: ci/test
    builds that kernel in the background meanwhile (see builtin_kernel)."""
    items.sort(key=lambda item: "builtin_kernel" in getattr(item, "fixturenames", ()))


def pytest_addoption(parser):
    parser.addoption("--b2c-build-dir", default=None,
                     help="meson build directory (default: $B2C_BUILD_DIR or /work/main/build)")


@pytest.fixture(scope="session")
def build_dir(request):
    path = (request.config.getoption("--b2c-build-dir")
            or os.environ.get("B2C_BUILD_DIR", "/work/main/build"))
    return pathlib.Path(path).resolve()


def built_file(build_dir, relative, executable=False):
    path = build_dir / relative
    present = os.access(path, os.X_OK) if executable else path.is_file()
    if not present:
        pytest.fail(f"{path} is missing: build the project first (ci/build)")
    return path


@pytest.fixture(scope="session")
def b2c_vm(build_dir):
    return built_file(build_dir, "tools/b2c-vm", executable=True)


@pytest.fixture(scope="session")
def initramfs(build_dir):
    """The core initramfs: b2c-vm adds the modules archive of its kernel
    (modules-KVER.cpio.zst, next to it), so every boot proves the pair."""
    # mkinitramfs renames a finished file into place: never seen half-written.
    return built_file(build_dir, "initramfs-core.linux_amd64.cpio.zst")


@pytest.fixture(scope="session")
def initramfs_all_in_one(build_dir):
    """The core and the modules in one file: what drop-in users download."""
    return built_file(build_dir, "initramfs.linux_amd64.cpio.zst")


@pytest.fixture(scope="session")
def builtin_kernel():
    """A kernel with every driver built in and no module support, what the
    HID selftests and most farms boot with the core initramfs alone:
    tools/build/build-kernel builds it once per machine (about 14 min on
    these 2-core machines; ci/test starts that build in the background, and
    this call waits for it) and finds it in its cache afterwards.
    B2C_BUILTIN_KERNEL=PATH: a kernel of your own built that way instead."""
    if os.environ.get("B2C_BUILTIN_KERNEL"):
        return pathlib.Path(os.environ["B2C_BUILTIN_KERNEL"])
    script = pathlib.Path(__file__).resolve().parents[2] / "tools/build/build-kernel"
    out = subprocess.run([str(script)], stdout=subprocess.PIPE, text=True, check=True)
    return pathlib.Path(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def b2c_init(build_dir):
    return built_file(build_dir, "init/b2c-init", executable=True)


# --------------------------------------------------------------------------
# registries

class Registry:
    """Debian's docker-registry on 127.0.0.1, optionally with htpasswd auth."""

    def __init__(self, root: pathlib.Path, htpasswd: pathlib.Path | None = None):
        self.root = root
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"   # as the host sees it
        self.guest = f"10.0.2.2:{self.port}"   # as the guest sees it
        storage = root / "storage"
        storage.mkdir(parents=True)
        config = [
            "version: 0.1",
            "log:",
            "  level: warn",
            "storage:",
            "  filesystem:",
            f"    rootdirectory: {storage}",
            "  delete:",
            "    enabled: true",
            "http:",
            f"  addr: 127.0.0.1:{self.port}",
        ]
        if htpasswd:
            config += ["auth:", "  htpasswd:", "    realm: b2c", f"    path: {htpasswd}"]
        self.config = root / "config.yml"
        self.config.write_text("\n".join(config) + "\n")
        self.log = open(root / "registry.log", "wb")
        self.proc = subprocess.Popen(["docker-registry", "serve", str(self.config)],
                                     stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self._wait_ready(auth=htpasswd is not None)

    def _wait_ready(self, auth: bool):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                urllib.request.urlopen(f"http://{self.host}/v2/", timeout=2).close()
                return
            except urllib.error.HTTPError as e:
                if auth and e.code == 401:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"docker-registry on {self.host} did not answer /v2/: "
                           f"{(self.root / 'registry.log').read_text(errors='replace')}")

    def blob_downloads(self, repository: str) -> list[str]:
        """The digests of the blobs of `repository` served whole (GET, 200),
        in order, from the registry's access log (written at any log level)."""
        log = (self.root / "registry.log").read_text(errors="replace")
        return re.findall(rf'"GET /v2/{re.escape(repository)}/blobs/(sha256:[0-9a-f]{{64}}) HTTP/[0-9.]+" 200 ', log)

    def manifest(self, repository: str, reference: str) -> dict:
        request = urllib.request.Request(
            f"http://{self.host}/v2/{repository}/manifests/{reference}",
            headers={"Accept": "application/vnd.oci.image.manifest.v1+json, "
                               "application/vnd.docker.distribution.manifest.v2+json, "
                               "application/vnd.oci.image.index.v1+json, "
                               "application/vnd.docker.distribution.manifest.list.v2+json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)

    def layers(self, repository: str, tag: str = "latest", arch: str | None = None) -> list[str]:
        """The layer digests of repository:tag's manifest (not its config);
        of the manifest for `arch` when the tag names a list of them."""
        manifest = self.manifest(repository, tag)
        if "manifests" in manifest:
            digest = next(m["digest"] for m in manifest["manifests"] if m["platform"]["architecture"] == arch)
            manifest = self.manifest(repository, digest)
        return [layer["digest"] for layer in manifest["layers"]]

    def stop(self):
        stop_process(self.proc)
        self.log.close()


@pytest.fixture(scope="session")
def session_tmp():
    path = pathlib.Path(tempfile.mkdtemp(prefix="b2c-e2e-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def registry(session_tmp):
    reg = Registry(session_tmp / "registry")
    yield reg
    reg.stop()


@pytest.fixture(scope="session")
def auth_registry(session_tmp):
    root = session_tmp / "auth-registry"
    root.mkdir()
    htpasswd = root / "htpasswd"
    htpasswd.write_text(_run(["htpasswd", "-Bbn", REG_USER, REG_PASSWORD]))
    reg = Registry(root, htpasswd=htpasswd)
    yield reg
    reg.stop()


# --------------------------------------------------------------------------
# the busybox image

def make_busybox_rootfs_tar(path: pathlib.Path, busybox: str = BUSYBOX, files=()):
    """busybox and its APPLETS, /etc's passwd and group, and `files`: (host
    path, path in the image) pairs."""
    with tarfile.open(path, "w") as tar:
        for d in ["bin", "dev", "etc", "proc", "root", "sys", "tmp", "var"]:
            info = tarfile.TarInfo(d)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if d == "tmp" else 0o755
            tar.addfile(info)
        tar.add(busybox, arcname="bin/busybox")
        for applet in APPLETS:
            info = tarfile.TarInfo(f"bin/{applet}")
            info.type = tarfile.SYMTYPE
            info.linkname = "busybox"
            tar.addfile(info)
        for source, name in files:
            tar.add(os.path.realpath(source), arcname=name)
        for name, content in [("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"),
                              ("etc/group", "root:x:0:\n")]:
            data = content.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            import io
            tar.addfile(info, io.BytesIO(data))


@pytest.fixture(scope="session")
def podman_store(session_tmp):
    """argv prefix of a podman that only touches a private store."""
    root = session_tmp / "podman"
    (root / "root").mkdir(parents=True)
    (root / "runroot").mkdir()
    (root / "tmp").mkdir()
    prefix = ["podman", "--root", str(root / "root"), "--runroot", str(root / "runroot"),
              "--storage-driver", "vfs", "--tmpdir", str(root / "tmp"),
              "--cgroup-manager", "cgroupfs", "--events-backend", "file"]
    yield prefix
    subprocess.run(prefix + ["system", "reset", "--force"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def busybox_image(session_tmp, podman_store, registry, auth_registry):
    """Pushes busybox:latest to both registries. Returns the image path
    ('busybox:latest'); prefix it with registry.guest / .host."""
    if not os.path.isfile(BUSYBOX):
        pytest.fail(f"{BUSYBOX} is missing: apt-get install busybox-static")
    tar = session_tmp / "busybox-rootfs.tar"
    make_busybox_rootfs_tar(tar)
    local = f"{registry.host}/busybox:latest"
    _run(podman_store + ["import", "--change", 'CMD ["/bin/sh"]',
                         "--change", "ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin",
                         str(tar), local])
    _run(podman_store + ["push", "--tls-verify=false", local])
    _run(podman_store + ["push", "--tls-verify=false", "--creds", f"{REG_USER}:{REG_PASSWORD}",
                         local, f"{auth_registry.host}/busybox:latest"])
    return "busybox:latest"


BIG_MIB = 600


@pytest.fixture(scope="session")
def big_image(session_tmp, podman_store, registry, busybox_image):
    """busybox plus /big.bin, BIG_MIB MiB of random bytes (they do not
    compress): bigger than a 512 MiB guest's RAM. As the guest names it."""
    tar = session_tmp / "big-rootfs.tar"
    make_busybox_rootfs_tar(tar)
    with tarfile.open(tar, "a") as archive:
        blob = session_tmp / "big.bin"
        with open(blob, "wb") as out:
            for _ in range(BIG_MIB):
                out.write(os.urandom(1 << 20))
        archive.add(blob, arcname="big.bin")
        blob.unlink()
    local = f"{registry.host}/big:latest"
    _run(podman_store + ["import", "--change", 'CMD ["/bin/sh"]', str(tar), local])
    tar.unlink()
    # zstd: the TCG guest decompresses it several times faster than gzip.
    _run(podman_store + ["push", "--tls-verify=false", "--compression-format", "zstd", local])
    _run(podman_store + ["rmi", local])
    return f"--tls-verify=false {registry.guest}/big:latest"


def program_and_libraries(program: str) -> list[tuple[str, str]]:
    """(host path, path in an image) of `program` and of what ldd says it loads."""
    found = [(program, program.lstrip("/"))]
    for line in _run(["ldd", program]).splitlines():
        match = re.search(r"(/\S+) \(0x", line)
        if match:
            found.append((match.group(1), match.group(1).lstrip("/")))
    return found


@pytest.fixture(scope="session")
def wg_tools_image(session_tmp, podman_store, registry):
    """busybox and the `wg` of wireguard-tools (test-only: the other end of
    our WireGuard tunnels, configured by the reference tool), as the guest
    names it."""
    if not shutil.which("wg"):
        pytest.fail("wg is missing: apt-get install wireguard-tools")
    tar = session_tmp / "wg-tools-rootfs.tar"
    make_busybox_rootfs_tar(tar, files=program_and_libraries(shutil.which("wg")))
    name = f"{registry.host}/wg-tools:latest"
    _run(podman_store + ["import", "--change", 'CMD ["/bin/sh"]',
                         "--change", "ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin", str(tar), name])
    _run(podman_store + ["push", "--tls-verify=false", name])
    return f"--tls-verify=false {registry.guest}/wg-tools:latest"


@pytest.fixture(scope="session")
def debian_root_arm64():
    """What tools/build/debian-root unpacked of Debian's arm64 packages (the
    build's arm64 initramfs is made of it; cached, so quick here)."""
    script = pathlib.Path(__file__).resolve().parents[2] / "tools/build/debian-root"
    out = subprocess.run([str(script), "--arch", "arm64"], stdout=subprocess.PIPE, text=True, check=True)
    return pathlib.Path(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def multiarch_image(session_tmp, podman_store, registry, debian_root_arm64):
    """busybox for amd64 (busybox-static) and for arm64 (busybox-static:arm64)
    under one name, a manifest list, as most images of Docker Hub are: the
    guest's podman must pick its own architecture's. As the guest names it,
    with the option for plain HTTP."""
    name = f"{registry.host}/multiarch:latest"
    _run(podman_store + ["manifest", "create", name])
    for arch, busybox in [("amd64", BUSYBOX), ("arm64", str(debian_root_arm64 / "bin/busybox"))]:
        tar = session_tmp / f"busybox-{arch}.tar"
        make_busybox_rootfs_tar(tar, busybox)
        one = f"{registry.host}/multiarch:{arch}"
        _run(podman_store + ["import", "--arch", arch, "--change", 'CMD ["/bin/sh"]',
                             "--change", "ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin", str(tar), one])
        _run(podman_store + ["manifest", "add", name, f"containers-storage:{one}"])
    _run(podman_store + ["manifest", "push", "--all", "--tls-verify=false", name, f"docker://{name}"])
    return f"--tls-verify=false {registry.guest}/multiarch:latest"


@pytest.fixture(scope="session")
def arm64_files(build_dir):
    """The arm64 initramfs (core) and Debian's arm64 kernel of a build with
    -Darm64=true: skipped without them, failed when B2C_ARM64=1 asks for
    them (CI)."""
    core = build_dir / "initramfs-core.linux_arm64.cpio.zst"
    kernels = sorted(build_dir.glob("vmlinuz-*-arm64"))
    if not core.is_file() or not kernels:
        message = f"no arm64 initramfs or kernel in {build_dir}: build with B2C_ARM64=1 ci/build (-Darm64=true)"
        if os.environ.get("B2C_ARM64") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return core, kernels[-1]


@pytest.fixture(scope="session")
def image(registry, busybox_image):
    """The busybox image as the guest names it, with the option that lets
    podman pull it over plain HTTP: use as f'{image} CMD...' in b2c.run."""
    return f"--tls-verify=false {registry.guest}/{busybox_image}"


# --------------------------------------------------------------------------
# booting

class BootResult:
    def __init__(self, code: int, raw: bytes, log: pathlib.Path, seconds: float):
        self.code = code
        self.raw = raw  # the console and b2c-vm's stderr, without our header line
        self.text = clean_console(raw)
        self.log = log
        self.seconds = seconds

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.text.splitlines()[-lines:])

    def why(self, what: str = "") -> str:
        """Assertion message: what was expected, the exit code, where the log
        is, and its tail."""
        return (f"{what}\nb2c-vm exit code: {self.code} (after {self.seconds:.0f} s)\n"
                f"console log: {self.log}\n--- last lines ---\n{self.tail()}")

    def after(self, marker: str) -> str:
        """The console text after the first line containing marker."""
        at = self.text.find(marker)
        return "" if at < 0 else self.text[at:]

    def after_section(self, section_id: str) -> str:
        """The console text from the start of the GitLab section `section_id`."""
        return self.after(f":{section_id}[collapsed=true]")

    def uptime_of(self, marker: str):
        """The guest uptime the init printed on the first line holding
        marker ("[12.34]: ..."), or None."""
        m = re.search(rf"\[\s*([0-9.]+)\][^\n]*{re.escape(marker)}", self.text)
        return float(m.group(1)) if m else None

    def executor_saw_success(self) -> bool:
        return bool(EXECUTOR_SUCCESS.search(self.raw))

    def executor_saw_session_end(self) -> bool:
        return bool(EXECUTOR_SESSION_END.search(self.raw))

    def executor_status(self):
        return executor_status(self.raw)


def log_path_for(request) -> pathlib.Path:
    WORK.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    count = getattr(request.node, "_b2c_boots", 0) + 1
    request.node._b2c_boots = count
    suffix = "" if count == 1 else f"-{count}"
    path = WORK / f"{name}{suffix}.log"
    logs = getattr(request.node, "_b2c_logs", [])
    logs.append(path)
    request.node._b2c_logs = logs
    return path


def vm_argv(b2c_vm, initramfs, append=(), timeout=180, extra=()):
    memory = [] if "--memory" in extra else ["--memory", "1024"]
    initrd = [] if "--initramfs" in extra else ["--initramfs", str(initramfs)]
    argv = [str(b2c_vm), "--accel", "tcg", *memory, "--timeout", str(timeout), *initrd]
    for option in (*GUEST_DIAGNOSTICS, *append):
        argv += ["--append", option]
    return argv + list(extra)


class RunningBoot:
    """A b2c-vm started in the background (stdin=/dev/null, console into
    `log`); wait() gives its BootResult."""

    def __init__(self, argv, log: pathlib.Path, timeout: int):
        self.log = log
        self.timeout = timeout
        self.start = time.monotonic()
        self.header = ("$ " + subprocess.list2cmdline(argv) + "\n").encode()
        self.watch = leaks.current
        self.checked = False
        self.out = open(log, "wb")
        self.out.write(self.header)
        self.out.flush()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=subprocess.STDOUT)

    def console(self) -> str:
        """What the console showed so far."""
        return clean_console(self.log.read_bytes()[len(self.header):])

    def check_secrets(self, console: bytes | None = None):
        """Fails the test if the whole console (raw bytes, b2c-vm's stderr
        included, our header line excluded) holds a secret it was given.
        One line is not ours: the kernel prints its own command line at
        loglevel 5 and more (farm jobs ask for 6), before /init runs."""
        self.checked = True
        if console is None:
            console = self.log.read_bytes()[len(self.header):]
        ours = KERNEL_COMMAND_LINE.sub(b"", console)
        self.watch.check(ours, f"the console {self.log}")

    def hung(self) -> bool:
        return GUEST_HANG.search(self.log.read_bytes()[len(self.header):]) is not None

    def raise_if_hung(self):
        """Stops the machine and raises GuestHung if its kernel reported a
        soft lockup; for tests that watch a running boot."""
        if self.hung():
            self.kill()
            self.wait()  # raises GuestHung

    def wait(self) -> BootResult:
        """The boot's result; raises GuestHung, at once, if the guest
        kernel reports a soft lockup (see GUEST_HANG)."""
        deadline = time.monotonic() + self.timeout + 60
        while True:
            try:
                code = self.proc.wait(2)
                break
            except subprocess.TimeoutExpired:
                if self.hung() or time.monotonic() >= deadline:
                    self.kill()
                    code = -1
                    break
        if not self.out.closed:
            self.out.close()
        raw = self.log.read_bytes()[len(self.header):]
        self.check_secrets(raw)
        result = BootResult(code, raw, self.log, time.monotonic() - self.start)
        if GUEST_HANG.search(raw):
            raise GuestHung(result)
        return result

    def kill(self):
        stop_process(self.proc)


@pytest.fixture
def start_boot(request, b2c_vm, initramfs):
    """start_boot(*append, timeout=180, extra=[...]) -> RunningBoot, for
    tests that run several machines at once. Killed at the end of the test."""
    started = []

    def start(*append, timeout=180, extra=()):
        boot = RunningBoot(vm_argv(b2c_vm, initramfs, append, timeout, extra),
                           log_path_for(request), timeout)
        started.append(boot)
        return boot

    yield start
    for boot in started:
        boot.kill()
        if not boot.out.closed:
            boot.out.close()
    for boot in started:  # the boots a test killed instead of waiting for
        if not boot.checked:
            boot.check_secrets()


@pytest.fixture
def boot(start_boot):
    """boot(*append, timeout=180, extra=[...]) -> BootResult. Runs b2c-vm
    with stdin=/dev/null; the console (and b2c-vm's own stderr) goes to the
    test's log file. Raises GuestHung if the guest hangs."""

    def run(*append, timeout=180, extra=()):
        return start_boot(*append, timeout=timeout, extra=extra).wait()

    return run


def hung_consoles(item) -> list[pathlib.Path]:
    return [path for path in getattr(item, "_b2c_logs", [])
            if path.exists() and GUEST_HANG.search(path.read_bytes())]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    """A test that failed while one of its guests hung (GUEST_HANG: the
    emulator, not the code under test) runs once more, from its fixtures
    up; CI's figures say so. A second hang fails the test."""
    from _pytest.runner import runtestprotocol
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    item._b2c_run = 1
    reports = runtestprotocol(item, nextitem=nextitem, log=False)
    hung = hung_consoles(item)
    if hung and any(report.failed for report in reports):
        record_measurement(f"guest soft lockup under TCG (console {hung[0].name}), "
                           f"{item.name} run again; {hang_summary(hung[0].read_bytes())}")
        item._b2c_run = 2
        item._b2c_logs = []
        reports = runtestprotocol(item, nextitem=nextitem, log=False)
    for report in reports:
        item.ihook.pytest_runtest_logreport(report=report)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    logs = getattr(item, "_b2c_logs", [])
    if report.when == "call" and report.failed and logs:
        # pytest truncates long assertion messages; sections are shown whole.
        for path in logs:
            text = clean_console(path.read_bytes()) if path.exists() else "(missing)"
            tail = "\n".join(l for l in text.splitlines() if l.strip())
            tail = "\n".join(tail.splitlines()[-40:])
            report.sections.append((f"console log {path} (last 40 lines)", tail))
