"""Debian's tinyproxy on the host, for the b2c.proxy tests: an HTTP proxy
(plain requests and CONNECT) on 127.0.0.1 with a free port, its own
configuration and log, optionally asking for a user and password, that
resolves some names to 127.0.0.1 (names the guest cannot resolve itself:
the servers behind them are reachable only through the proxy), optionally
allowing CONNECT to some ports only (the others refused at once, 403)."""
import pathlib
import socket
import subprocess
import time

from conftest import free_port, stop_process


class Tinyproxy:
    def __init__(self, root: pathlib.Path, names=(), user=None, password=None, connect_ports=()):
        root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log = root / "tinyproxy.log"
        hosts = root / "hosts"
        hosts.write_text(f"127.0.0.1 localhost {' '.join(names)}\n")
        config = [f"Port {self.port}", "Listen 127.0.0.1", "Timeout 120", f'LogFile "{self.log}"',
                  "LogLevel Connect", "MaxClients 100", "Allow 127.0.0.1"]
        if user:
            config.append(f"BasicAuth {user} {password}")
        config += [f"ConnectPort {port}" for port in connect_ports]
        self.config = root / "tinyproxy.conf"
        self.config.write_text("\n".join(config) + "\n")
        # Its own /etc/hosts, in a mount namespace of its own (a user
        # namespace too, so that no root is needed): the host's is untouched.
        self.output = open(root / "tinyproxy.out", "wb")
        self.proc = subprocess.Popen(
            ["unshare", "--map-root-user", "--mount", "sh", "-c",
             f'mount --bind "$0" /etc/hosts && exec tinyproxy -d -c "$1"', str(hosts), str(self.config)],
            stdin=subprocess.DEVNULL, stdout=self.output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"tinyproxy did not start: {(root / 'tinyproxy.out').read_text(errors='replace')}")

    def requests(self) -> list[str]:
        """The request lines it received ("GET http://h:1/x HTTP/1.1",
        "CONNECT h:2 HTTP/1.1"), in order."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line.split("): ", 1)[1] for line in text.splitlines() if "Request (file descriptor" in line]

    def stop(self):
        stop_process(self.proc)
        self.output.close()
