"""Network namespaces joined by veth pairs, for the host tests (root)."""
import subprocess
import time


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


class Namespaces:
    """Namespaces named after the test; `close()` deletes them all."""

    def __init__(self, tag):
        self.names = []
        self.tag = tag

    def add(self, role):
        name = f"b2c-{role}-{self.tag}"
        sh("ip", "netns", "add", name)
        self.names.append(name)
        sh("ip", "-n", name, "link", "set", "lo", "up")
        # A new namespace inherits IPv4 forwarding from the host's (podman
        # or docker on the host turn it on): start from the kernel's default.
        sh("ip", "netns", "exec", name, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0")
        return name

    def close(self):
        for name in reversed(self.names):
            subprocess.run(["ip", "netns", "del", name], capture_output=True)


def veth(server_ns, server_if, client_ns, client_if, server_cidr=None):
    """Joins two namespaces; the server end gets `server_cidr` and is up."""
    sh("ip", "link", "add", server_if, "netns", server_ns, "type", "veth",
       "peer", "name", client_if, "netns", client_ns)
    if server_cidr:
        sh("ip", "-n", server_ns, "addr", "add", server_cidr, "dev", server_if)
    sh("ip", "-n", server_ns, "link", "set", server_if, "up")


def wait_for_udp_socket(namespace, address, port, process, log, timeout=10):
    """Waits until `process` has bound address:port (UDP) in `namespace`."""
    deadline = time.monotonic() + timeout
    while True:
        bound = sh("ip", "netns", "exec", namespace, "ss", "-H", "-u", "-l", "-n").stdout
        if f"{address}:{port} " in bound:
            return
        assert process.poll() is None, f"the server exited: {log.read_text(errors='replace')}"
        assert time.monotonic() < deadline, f"nothing bound {address}:{port} in {timeout} s"
        time.sleep(0.05)


def stop(process):
    """Terminates a server started by a test, killing it if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
