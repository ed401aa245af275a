"""What the boot benchmarks share: a loopback registry (Debian's
docker-registry) holding a 1 MB busybox image the guest pulls through QEMU's
user network, and the helpers to start and stop processes."""
import contextlib
import pathlib
import shutil
import signal
import socket
import subprocess
import tarfile
import time
import urllib.error
import urllib.request

BUSYBOX = pathlib.Path("/bin/busybox")
APPLETS = ["sh", "echo", "cat", "head", "sleep"]


class Failure(Exception):
    pass


def run_quiet(argv, **kwargs):
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, **kwargs)
    if result.returncode != 0:
        raise Failure(f"{subprocess.list2cmdline(argv)} failed ({result.returncode}):\n"
                      f"{result.stdout}")
    return result.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc, grace=10):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --------------------------------------------------------------------------
# the local registry and the image

class Registry:
    """Debian's docker-registry on 127.0.0.1:<free port>, storing in root."""

    def __init__(self, root):
        self.root = root
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"  # as the host sees it
        self.guest = f"10.0.2.2:{self.port}"  # as the guest sees it (QEMU user net)
        self.proc = None
        storage = root / "storage"
        storage.mkdir(parents=True)
        config = root / "config.yml"
        config.write_text("\n".join([
            "version: 0.1",
            "log:",
            "  level: warn",
            "storage:",
            "  filesystem:",
            f"    rootdirectory: {storage}",
            "http:",
            f"  addr: {self.host}",
        ]) + "\n")
        self.log_path = root / "registry.log"
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(["docker-registry", "serve", str(config)],
                                         stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT)

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                urllib.request.urlopen(f"http://{self.host}/v2/", timeout=2).close()
                return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                pass
            time.sleep(0.2)
        raise Failure(f"docker-registry on {self.host} did not answer GET /v2/:\n"
                      f"{self.log_path.read_text(errors='replace')}")

    def stop(self):
        stop_process(self.proc)


def make_busybox_tar(tmp, busybox=BUSYBOX, name="busybox"):
    """A tar of a dir holding bin/busybox and a few applet symlinks."""
    if not busybox.is_file():
        raise Failure(f"{busybox} is missing: apt-get install busybox-static")
    rootfs = tmp / f"{name}-rootfs"
    (rootfs / "bin").mkdir(parents=True)
    for d in ["dev", "etc", "proc", "sys", "tmp"]:
        (rootfs / d).mkdir()
    shutil.copy2(busybox, rootfs / "bin" / "busybox")
    for applet in APPLETS:
        (rootfs / "bin" / applet).symlink_to("busybox")
    tar_path = tmp / f"{name}-rootfs.tar"
    with tarfile.open(tar_path, "w") as tar:
        for entry in sorted(rootfs.iterdir()):
            tar.add(entry, arcname=entry.name)
    return tar_path


class Podman:
    """podman with a private store under root (vfs driver)."""

    def __init__(self, root):
        for d in ["storage", "run", "tmp"]:
            (root / d).mkdir(parents=True)
        self.prefix = ["podman", "--root", str(root / "storage"), "--runroot", str(root / "run"),
                       "--storage-driver", "vfs", "--tmpdir", str(root / "tmp"),
                       "--cgroup-manager", "cgroupfs", "--events-backend", "file"]
        self.used = False

    def __call__(self, *args):
        self.used = True
        return run_quiet(self.prefix + list(args))

    def reset(self):
        if self.used:
            subprocess.run(self.prefix + ["system", "reset", "--force"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def arm64_busybox():
    """busybox-static for arm64, as tools/build/debian-root unpacked it (cached)."""
    script = pathlib.Path(__file__).resolve().parents[1] / "build" / "debian-root"
    root = run_quiet([str(script), "--arch", "arm64"]).strip().splitlines()[-1]
    return pathlib.Path(root) / "bin" / "busybox"


@contextlib.contextmanager
def busybox_image(tmp, log, arm64=None):
    """Starts a registry under tmp and pushes the busybox image to it;
    yields the image's name as the guest sees it. With `arm64` (the path of
    an arm64 busybox), the name is a manifest list of both architectures',
    as multi-arch images are: each guest pulls its own. Stops and removes
    everything at the end."""
    registry = podman = None
    try:
        registry = Registry(tmp / "registry")
        registry.wait_ready()
        log(f"registry up on {registry.host}")
        podman = Podman(tmp / "podman")
        ref = f"{registry.host}/bench:latest"
        change = ["--change", 'CMD ["/bin/sh"]', "--change", "ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin"]
        if arm64 is None:
            podman("import", *change, str(make_busybox_tar(tmp)), ref)
            podman("push", "--tls-verify=false", ref)
        else:
            podman("manifest", "create", ref)
            for arch, busybox in [("amd64", BUSYBOX), ("arm64", arm64)]:
                one = f"{registry.host}/bench:{arch}"
                podman("import", "--arch", arch, *change, str(make_busybox_tar(tmp, busybox, arch)), one)
                podman("manifest", "add", ref, f"containers-storage:{one}")
            podman("manifest", "push", "--all", "--tls-verify=false", ref, f"docker://{ref}")
        log(f"pushed {ref}")
        yield f"{registry.guest}/bench:latest"
    finally:
        # A second Ctrl-C must not cut the clean-up short. Ignored signals stay
        # ignored across exec, so `podman system reset` is shielded too.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            if podman is not None:
                podman.reset()
        finally:
            if registry is not None:
                registry.stop()
