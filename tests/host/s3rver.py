"""s3rver (npm, tests/host/node_modules) on loopback: a real S3 HTTP endpoint
that stores each object as files under its data directory. It checks no
signature and takes any key pair. Tests look into its buckets with boto3
(s3check.py), as they do on Ceph's RGW (rgw.py)."""
import json
import os
import pathlib
import socket
import subprocess
import time

HERE = pathlib.Path(__file__).parent
BINARY = HERE / "node_modules" / ".bin" / "s3rver"
OBJECT_SUFFIX = "._S3rver_object"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class S3rver:
    def __init__(self, directory, port=None, options=()):
        if not BINARY.exists():
            raise RuntimeError(f"{BINARY} is missing: run 'npm ci' in {HERE} (ci/install-deps does)")
        self.directory = pathlib.Path(directory)
        self.port = port or free_port()
        self.options = list(options)  # more of s3rver's, e.g. --no-vhost-buckets
        self.log = self.directory.parent / f"s3rver-{self.port}.log"
        self.process = None
        self.start()

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        # s3rver's continuation tokens use DES, which OpenSSL 3 keeps in its legacy provider.
        env = dict(os.environ, NODE_OPTIONS="--openssl-legacy-provider")
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([str(BINARY), "-d", str(self.directory), "-a", "127.0.0.1",
                                             "-p", str(self.port), *self.options],
                                            stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"s3rver exited: {self.log.read_text()}")
                time.sleep(0.1)
        raise RuntimeError("s3rver did not start listening")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def drop_torn_objects(self):
        """Deletes the objects a SIGKILL left with unreadable metadata: s3rver
        writes it non-atomically, and cannot list a bucket holding one."""
        for metadata in self.directory.rglob("*._S3rver_metadata.json"):
            try:
                json.loads(metadata.read_text())
            except ValueError:
                stem = str(metadata)[:-len("._S3rver_metadata.json")]
                for suffix in ("._S3rver_metadata.json", OBJECT_SUFFIX, OBJECT_SUFFIX + ".md5"):
                    pathlib.Path(stem + suffix).unlink(missing_ok=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def requests_logged(self):
        return self.log.read_text(errors="replace")
