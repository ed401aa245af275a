#!/usr/bin/python3
"""Checks libcurl's AWS SigV4 signing the way AWS and MinIO check it.

Runs PROGRAM BASE_URL [CA_FILE] (check-curl-sigv4.c, linked with the
libcurl under test) against a listener on 127.0.0.1, over http, then over
https (a certificate for 127.0.0.1 made here with the openssl command, which
the program verifies), recomputes the signature of each request received
with the signed headers sorted by NAME (what AWS does), and answers 200
when curl's signature and SignedHeaders order are the same, 403 otherwise.
Exit status 0 only when the program got its 200 both times.

curl < 8.10 sorts whole "name:value" lines, so with SSE-C it signs
...-customer-key-md5 before ...-customer-key and fails here (and at AWS).
Usage: check-curl-sigv4.py [RUNNER...] PROGRAM
(RUNNER: what runs a program of another architecture, qemu-aarch64-static)
"""
import hashlib
import hmac
import http.server
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.parse

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
verdict = {}


def sign(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def expected_signature(method, raw_path, headers, auth):
    fields = dict(p.strip().split("=", 1) for p in auth.split(" ", 1)[1].split(","))
    credential = fields["Credential"].split("/")  # AK/date/region/service/aws4_request
    curl_order = fields["SignedHeaders"].split(";")
    aws_order = sorted(curl_order)
    path, _, query = raw_path.partition("?")
    canonical_query = "&".join(
        sorted(
            "=".join(urllib.parse.quote(urllib.parse.unquote(x), safe="-_.~") for x in (kv.split("=", 1) + [""])[:2])
            for kv in query.split("&")
            if kv
        )
    )
    lower = {k.lower(): " ".join(v.split()) for k, v in headers.items()}
    canonical_headers = "".join(f"{name}:{lower[name]}\n" for name in aws_order)
    canonical_request = "\n".join(
        [method, path, canonical_query, canonical_headers, ";".join(aws_order), lower["x-amz-content-sha256"]]
    )
    scope = "/".join(credential[1:])
    string_to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", lower["x-amz-date"], scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = ("AWS4" + SECRET).encode()
    for part in credential[1:]:
        key = sign(key, part)
    return curl_order, aws_order, hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest(), fields["Signature"]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_PUT(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        curl_order, aws_order, want, got = expected_signature(
            "PUT", self.path, self.headers, self.headers.get("Authorization", "")
        )
        verdict.update(curl_order=curl_order, aws_order=aws_order, ok=(curl_order == aws_order and want == got))
        self.send_response(200 if verdict["ok"] else 403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def check(command, tls_dir=None):
    """Runs command (the program, after its RUNNER if any) against a listener."""
    verdict.clear()
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    args = [*command, f"http://127.0.0.1:{server.server_address[1]}"]
    if tls_dir:
        cert, key = os.path.join(tls_dir, "cert.pem"), os.path.join(tls_dir, "key.pem")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
            check=True, capture_output=True)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        args = [*command, f"https://127.0.0.1:{server.server_address[1]}", cert]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    run = subprocess.run(args, capture_output=True, text=True, timeout=30)
    server.shutdown()
    print(args[len(command)].split(":")[0] + ": " + run.stdout.strip() + run.stderr.strip())
    if not verdict:
        print("check-curl-sigv4: no request received")
        return False
    print("SignedHeaders sent by curl: " + ";".join(verdict["curl_order"]))
    print("SignedHeaders in AWS order: " + ";".join(verdict["aws_order"]))
    print("signature " + ("matches" if verdict["ok"] else "DOES NOT match") + " AWS's computation")
    return verdict["ok"] and run.returncode == 0


def main():
    with tempfile.TemporaryDirectory() as tls_dir:
        plain = check(sys.argv[1:])
        tls = check(sys.argv[1:], tls_dir)
    return 0 if plain and tls else 1


if __name__ == "__main__":
    sys.exit(main())
