"""An S3 server that fails one request in three: an HTTP proxy in front of a
real one (s3rver, RGW) that answers every third request itself with a 503
SlowDown or a 500 InternalError, in turn, as S3 does under load, and
forwards the others byte for byte (the Host header too: RGW checks the
signature over it). A failed request never reaches the server, as with S3's
own 5xx, after which a client must retry.

A given request (method, path and query) is failed at most twice, so that
a client's five tries always suffice however the counter falls: the tests
are about retrying, not about giving up."""
import collections
import http.client
import http.server
import threading

ERRORS = [
    (503, "SlowDown", "Please reduce your request rate."),
    (500, "InternalError", "We encountered an internal error. Please try again."),
]
# Said by the client, not forwarded: hop-by-hop headers, and Expect (the
# proxy answered the 100-continue itself).
NOT_FORWARDED = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "expect", "te", "upgrade"}


class FailingProxy:
    def __init__(self, upstream_port, every=3, most_per_request=2):
        self.upstream_port = upstream_port
        self.every = every
        self.most_per_request = most_per_request
        self.lock = threading.Lock()
        self.requests = 0
        self.failed = []     # (status, method, target), in order
        self.forwarded = []  # (status, method, target) as the server answered
        self.per_request = collections.Counter()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, and 100-continue answered

            def log_message(self, *args):
                pass

            def handle_one(self):
                length = int(self.headers.get("Content-Length") or 0)
                if self.headers.get("Transfer-Encoding"):
                    self.send_error(411, "the fault proxy needs a Content-Length")
                    return
                body = self.rfile.read(length) if length else b""
                error = proxy.decide(self.command, self.path)
                if error:
                    self.answer_error(*error)
                else:
                    self.forward(body)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = handle_one

            def answer_error(self, status, code, message):
                body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
                        f"<Message>{message}</Message><RequestId>fault-proxy</RequestId></Error>").encode()
                self.send_response_only(status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def forward(self, body):
                if not hasattr(self, "upstream"):
                    self.upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=300)
                self.upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    if name.lower() not in NOT_FORWARDED:
                        self.upstream.putheader(name, value)
                self.upstream.endheaders(body if body or self.command in ("PUT", "POST") else None)
                answer = self.upstream.getresponse()
                data = answer.read()
                with proxy.lock:
                    proxy.forwarded.append((answer.status, self.command, self.path))
                self.send_response_only(answer.status, answer.reason)
                for name, value in answer.getheaders():
                    if name.lower() not in NOT_FORWARDED and name.lower() != "content-length":
                        self.send_header(name, value)
                # A HEAD's Content-Length is the object's size, not this body's.
                length = answer.getheader("Content-Length") if self.command == "HEAD" else len(data)
                if length is not None:
                    self.send_header("Content-Length", str(length))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def decide(self, method, target):
        """The error to answer with, or None to forward."""
        with self.lock:
            self.requests += 1
            key = (method, target)
            if self.requests % self.every or self.per_request[key] >= self.most_per_request:
                return None
            self.per_request[key] += 1
            status, code, message = ERRORS[len(self.failed) % len(ERRORS)]
            self.failed.append((status, method, target))
            return status, code, message

    def failed_methods(self):
        return collections.Counter(method for _, method, _ in self.failed)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
