"""Checks of the test harness itself (no VM): when these fail, the e2e
failures that follow are the harness's, not the product's."""
import base64
import json
import urllib.error
import urllib.request

import pytest

from conftest import REG_PASSWORD, REG_USER

MANIFEST_TYPES = ", ".join([
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
])


def get_manifest(host, auth=None):
    req = urllib.request.Request(f"http://{host}/v2/busybox/manifests/latest",
                                 headers={"Accept": MANIFEST_TYPES})
    if auth:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        req.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def test_image_is_in_the_plain_registry(registry, busybox_image):
    manifest = get_manifest(registry.host)
    assert manifest["layers"], manifest


def test_auth_registry_wants_credentials(auth_registry, busybox_image):
    with pytest.raises(urllib.error.HTTPError) as e:
        get_manifest(auth_registry.host)
    assert e.value.code == 401
    manifest = get_manifest(auth_registry.host, (REG_USER, REG_PASSWORD))
    assert manifest["layers"], manifest


def test_a_guest_that_hangs_is_stopped_at_once_and_booted_again(boot, image):
    """The harness' answer to TCG's guest hangs (conftest.GUEST_HANG): a
    container prints the kernel's soft lockup line, then waits 120 s; the
    fixture must stop each of the two boots within seconds."""
    r = boot(f"b2c.run=\"{image} sh -c 'echo watchdog: BUG: soft lockup - CPU#$((3+4)) stuck for $((20+3))s!; "
             "sleep 120; echo not-stopped-$((6*6))'\"", timeout=240)
    assert r.guest_hung, r.why("the soft lockup line should have been noticed")
    assert "not-stopped-36" not in r.text and r.seconds < 110, r.why("the machine should be stopped at once")
    retries = (r.log.parent / "measurements.txt").read_text()
    assert "guest soft lockup" in retries and r.log.name.replace("-2.log", ".log") in retries, retries
