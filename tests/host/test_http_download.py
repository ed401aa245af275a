"""The HTTP client of b2c.extra_args_url (libcurl) against real local
servers: plain HTTP, HTTPS with a CA made here, an untrusted certificate,
errors and retries."""
import http.server
import socket
import ssl
import subprocess
import threading
import time

import pytest

BODY = b'b2c.run="docker.io/alpine echo hi"\nb2c.hostname=extra\n'


class Handler(http.server.BaseHTTPRequestHandler):
    hits = {}

    def do_GET(self):
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        if self.path == "/args":
            # A length, as real servers give: Python's TLS socket closes
            # without close_notify, and libcurl >= 8 takes a body that ends
            # so, with no length, for a truncation.
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/args")
            self.end_headers()
        elif self.path == "/flaky" and Handler.hits[self.path] < 3:
            self.send_response(503)
            self.end_headers()
        elif self.path == "/flaky":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(BODY)
        elif self.path == "/huge":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x" * (2 << 20))
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args):
        pass


class Server:
    """http.server on 127.0.0.1 with a free port, optionally TLS."""

    def __init__(self, cert=None, key=None):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        Handler.hits = {}
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s.port
    s.stop()


def probe(build_dir, *args):
    binary = build_dir / "tests" / "host" / "http_probe"
    if not binary.exists():
        pytest.fail(f"{binary} is missing: build it first")
    start = time.monotonic()
    result = subprocess.run([str(binary), *args], capture_output=True, timeout=60)
    return result, time.monotonic() - start


def test_plain_http(build_dir, server):
    result, _ = probe(build_dir, f"http://127.0.0.1:{server}/args")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == BODY


def test_redirect_is_followed(build_dir, server):
    result, _ = probe(build_dir, f"http://127.0.0.1:{server}/moved")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == BODY


def test_not_found_is_an_error_without_retry(build_dir, server):
    result, _ = probe(build_dir, f"http://127.0.0.1:{server}/nothing")
    assert result.returncode == 1
    assert b"HTTP 404" in result.stdout and b"/nothing" in result.stdout
    assert Handler.hits["/nothing"] == 1


def test_server_errors_are_retried(build_dir, server):
    result, _ = probe(build_dir, "--attempts", "3", f"http://127.0.0.1:{server}/flaky")
    assert result.returncode == 0, result.stdout + result.stderr
    assert Handler.hits["/flaky"] == 3
    assert b"attempt 2 of 3" in result.stderr


def test_too_large_is_refused(build_dir, server):
    result, _ = probe(build_dir, f"http://127.0.0.1:{server}/huge")
    assert result.returncode == 1
    assert b"larger than" in result.stdout


def test_nobody_listening_fails_after_the_attempts(build_dir):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result, elapsed = probe(build_dir, "--attempts", "2", f"http://127.0.0.1:{port}/args")
    assert result.returncode == 1
    assert f"127.0.0.1:{port}".encode() in result.stdout
    assert elapsed < 5


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA and a certificate for 127.0.0.1 signed by it, made with openssl."""
    d = tmp_path_factory.mktemp("pki")

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=d)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=b2c test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr",
            "-subj", "/CN=127.0.0.1")
    (d / "ext").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "srv.pem", "-days", "2", "-extfile", "ext")
    return {"ca": str(d / "ca.pem"), "cert": str(d / "srv.pem"), "key": str(d / "srv.key")}


@pytest.fixture
def https_server(pki):
    s = Server(pki["cert"], pki["key"])
    yield s.port
    s.stop()


def test_https_with_a_trusted_ca(build_dir, pki, https_server):
    result, _ = probe(build_dir, "--ca", pki["ca"], f"https://127.0.0.1:{https_server}/args")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == BODY


def test_https_untrusted_certificate_is_refused_without_retry(build_dir, https_server):
    result, _ = probe(build_dir, f"https://127.0.0.1:{https_server}/args")
    assert result.returncode == 1
    assert b"certificate" in result.stdout.lower(), result.stdout
    assert b"attempt 2" not in result.stderr
