"""b2c.proxy: our own traffic through an HTTP proxy, as ci-tron's farms
sandbox their machines behind the gateway's. The guest's network is QEMU's
user network with restrict=on: it reaches nothing but the proxy (Debian's
tinyproxy on the host, asking for a password), forwarded to 10.0.2.100:8080.
The registry, the file server of the extra-args file and the S3 server have
names only the proxy resolves (its own /etc/hosts), so that nothing, Go's
loopback exception included, can bypass it."""
import pathlib
import re
import sys

from conftest import BUSYBOX, REG_PASSWORD
from file_server import FileServer
from http_proxy import Tinyproxy
from test_dry_run import dry_run, why
from test_pipeline import lines

sys.path.insert(0, str(pathlib.Path(__file__).parent.parent / "host"))
from s3servers import S3rverServer  # noqa: E402

PROXY_GUEST = "10.0.2.100:8080"
PROXY_USER = "farm"
PROXY_PASSWORD = "Proxy-b2c-3141"


def proxy_forward(proxy):
    """QEMU's forward of the guest's PROXY_GUEST to the proxy: a relay
    started for each connection (a `tcp:` chardev would carry one
    connection for the machine's whole life)."""
    return f"guestfwd=tcp:{PROXY_GUEST}-cmd:{BUSYBOX} nc 127.0.0.1 {proxy.port}"


def test_pulls_downloads_and_s3_go_through_the_proxy_containers_get_none(boot, registry, busybox_image, tmp_path):
    proxy = Tinyproxy(tmp_path / "proxy", ["registry.b2c.test", "files.b2c.test", "s3.b2c.test"],
                      PROXY_USER, PROXY_PASSWORD)
    # s3rver would read the name as a bucket (virtual-host style).
    s3 = S3rverServer(tmp_path / "s3", options=["--no-vhost-buckets"])
    s3.make_bucket("results")
    image = f"--tls-verify=false registry.b2c.test:{registry.port}/{busybox_image}"
    extra = "\n".join([
        f"b2c.minio=srv,http://s3.b2c.test:{s3.port},{s3.access_key},{s3.secret_key}",
        "b2c.volume=vol-px,push_to=srv/results,push_on=container_end",
        f"b2c.run=\"-v vol-px:/out {image} sh -c 'echo proxy-vars:$(env | grep -ci proxy); "
        "echo computed-$((6*7)) > /out/r.txt'\"",
        f"b2c.run=\"--env https_proxy=http://{PROXY_GUEST} {image} sh -c "
        "'echo given:$(env | grep -c ^https_proxy=):$https_proxy'\"",
        # podman's default, which ours overrides: all four, password and all.
        f"b2c.run=\"--http-proxy=true {image} sh -c 'echo opted-in:$(env | grep -c ^https_proxy=)"
        "$(env | grep -c ^HTTP_PROXY=)'\"",
    ])
    files = FileServer({"/args": extra + "\n"})
    try:
        url = f"http://{PROXY_USER}:{PROXY_PASSWORD}@{PROXY_GUEST}"
        r = boot(f'b2c.proxy="https={url},http={url}"',
                 f"b2c.extra_args_url=http://files.b2c.test:{files.port}/args",
                 extra=("--user-net", f"restrict=on,{proxy_forward(proxy)}"),
                 timeout=300)
    finally:
        files.stop()
        proxy.stop()
    try:
        requests = proxy.requests()
        stored = s3.stored("results", "r.txt") if "r.txt" in s3.keys("results") else None
    finally:
        s3.stop()
    assert r.code == 0, r.why("expected status 0: everything through the proxy")
    assert files.requests == ["/args"], r.why("the extra-args file should be fetched once")
    assert lines(r.text, "proxy-vars:0"), r.why("a container without --env gets no proxy variable")
    assert lines(r.text, f"given:1:http://{PROXY_GUEST}"), r.why("--env https_proxy= reaches the container")
    assert lines(r.text, "opted-in:11"), r.why("--http-proxy=true gives a container the proxy variables")
    assert stored == b"computed-42\n", r.why("the container's file should reach the bucket through the proxy")
    # Each kind of traffic, seen by the proxy under the names only it resolves.
    seen = "\n".join(requests)
    assert f"GET http://files.b2c.test:{files.port}/args HTTP/1.1" in requests, seen
    # podman tries HTTPS first (https_proxy: a tunnel), then plain HTTP (http_proxy).
    assert f"CONNECT registry.b2c.test:{registry.port} HTTP/1.1" in requests, seen
    manifests = f"GET http://registry.b2c.test:{registry.port}/v2/busybox/manifests/latest HTTP/1.1"
    assert requests.count(manifests) >= 3, seen  # the three containers' pulls
    assert re.search(rf"^PUT http://s3\.b2c\.test:{s3.port}/results/r\.txt ", seen, re.M), seen
    assert PROXY_PASSWORD not in r.text, r.why("the proxy's password must never be printed")


def test_a_bad_proxy_is_refused_naming_the_option(b2c_init):
    code, out = dry_run(b2c_init, 'b2c.proxy="https=ftp://10.42.0.1:21" b2c.run="reg.example/img true"')
    assert code != 0, why(code, out)
    assert re.search(r"^error: b2c\.proxy: https=ftp://10\.42\.0\.1:21 is not an http:// or https:// URL", out,
                     re.M), why(code, out)


def test_dry_run_shows_the_proxy_not_its_password_and_no_proxy_for_the_containers(b2c_init):
    code, out = dry_run(b2c_init, f'b2c.proxy="https=http://u:{REG_PASSWORD}@10.42.0.1:8080,no_proxy=.lan" '
                                  'b2c.run="reg.example/img true"')
    assert code == 0, why(code, out)
    assert "proxy: https:// through http://***@10.42.0.1:8080, http:// directly, not for .lan" in out, why(code, out)
    assert REG_PASSWORD not in out, why(code, out)
    create = next(l for l in out.splitlines() if "podman create" in l)
    assert "--http-proxy=false" in create, why(code, out)
