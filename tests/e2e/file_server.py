"""A small HTTP server on the host for the guests (10.0.2.2:port in QEMU's
user network): b2c.extra_args_url's files, b2c.kube's YAML."""
import http.server
import threading


class FileServer:
    """Serves `files` ({path: text}) over HTTP on the host (the guest sees
    it at 10.0.2.2:port); other paths get 404. Counts the requests."""

    def __init__(self, files):
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                owner.requests.append(self.path)
                body = owner.files.get(self.path)
                self.send_response(404 if body is None else 200)
                self.end_headers()
                if body is not None:
                    self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.files = files
        self.requests = []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://10.0.2.2:{self.port}{path}"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
