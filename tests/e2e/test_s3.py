"""S3 volume mirroring in QEMU (b2c.minio + b2c.volume's mirror options)
against a real S3 server on the host, checked from the host with an
independent client (boto3), not through our code. The server is s3rver,
which checks no signature; the push/pull test also runs against Ceph's RADOS
Gateway (tests/host/rgw.py), which checks them. Only that one: each test is a
TCG boot of ~1 min, and the others test the pipeline's timing, not S3."""
import hashlib
import os
import pathlib
import re
import sys
import time

import pytest

from conftest import record_measurement
from test_pipeline import VM_FAILURES, lines

MiB = 1 << 20

sys.path.insert(0, str(pathlib.Path(__file__).parent.parent / "host"))
import rgw  # noqa: E402
from s3faults import FailingProxy  # noqa: E402
from s3servers import RGWServer, S3rverServer  # noqa: E402


@pytest.fixture(scope="module")
def rgw_cluster(tmp_path_factory):
    """Started only if a test asks for RGW; radosgw listens on 127.0.0.1,
    which the guest reaches as 10.0.2.2 (QEMU's user network)."""
    with rgw.started(tmp_path_factory.mktemp("rgw")) as cluster:
        record_measurement(f"Ceph RGW cluster for the S3 tests: {cluster.describe_start()}")
        yield cluster


@pytest.fixture
def s3(request, tmp_path):
    """s3rver, unless a test is parametrized with indirect=True to "rgw"."""
    if getattr(request, "param", "s3rver") == "rgw":
        server = RGWServer(request.getfixturevalue("rgw_cluster"))
    else:
        server = S3rverServer(tmp_path / "s3")
    try:
        yield server
    finally:
        server.stop()


def minio(s3):
    # The guest reaches the host's loopback as 10.0.2.2 (QEMU's user network).
    return f"b2c.minio=srv,http://10.0.2.2:{s3.port},{s3.access_key},{s3.secret_key}"


def put(s3, bucket, key, data: bytes):
    s3.put(bucket, key, data)


def assert_no_keys(r, s3):
    assert s3.access_key not in r.text and s3.secret_key not in r.text, r.why("the S3 keys must never be printed")


def wait_for(condition, seconds, boot=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        if boot is not None:
            boot.raise_if_hung()
            if boot.proc.poll() is not None:
                return condition()
        time.sleep(0.5)
    return False


@pytest.mark.parametrize("s3", ["s3rver", "rgw"], indirect=True)
def test_pull_at_start_then_push_at_container_end(boot, image, s3):
    put(s3, "data", "job/input.txt", b"from-the-bucket-1234\n")
    put(s3, "data", "job/sub/nested+odd.txt", b"nested-5678\n")
    put(s3, "data", "other/untouched.txt", b"not under the prefix\n")
    r = boot(minio(s3),
             "b2c.volume=vol-s3,mirror=srv/data/job,pull_on=pipeline_start,push_on=container_end,overwrite",
             f"b2c.run=\"-v vol-s3:/s3 {image} sh -c 'cat /s3/input.txt; cat /s3/sub/nested+odd.txt; "
             "ls /s3; echo changed-$((40+2)) > /s3/input.txt; mkdir -p /s3/out; echo result-$((6*7)) > /s3/out/r.txt'\"")
    assert r.code == 0, r.why("expected status 0")
    assert lines(r.text, "from-the-bucket-1234") and lines(r.text, "nested-5678"), \
        r.why("the container should see the files pulled from the bucket")
    assert not lines(r.text, "untouched.txt"), r.why("only the prefix job/ is mirrored")
    assert s3.stored("data", "job/out/r.txt") == b"result-42\n", "the new file should be pushed"
    assert s3.stored("data", "job/input.txt") == b"changed-42\n", "overwrite: the changed file replaces the bucket's"
    assert s3.stored("data", "job/sub/nested+odd.txt") == b"nested-5678\n"
    assert s3.stored("data", "other/untouched.txt") == b"not under the prefix\n"
    # The file the pull brought and the container left alone is trusted
    # from the pull's record (beside the volume's _data): not read again.
    assert re.search(r"push \S+/vol-s3/_data to data/job/: 2 copied \(\d+ bytes\), "
                     r"1 same \(1 by the record, 0 bytes read to compare\)", r.text), \
        r.why("the unchanged file should be trusted from the pull's record")
    assert_no_keys(r, s3)


def test_a_server_failing_one_request_in_three_loses_nothing(boot, image, s3):
    """S3 answers 500 and 503 under load. Every third request of the pull at
    the pipeline's start and of the push at its end is failed by a proxy in
    front of s3rver (tests/host/s3faults.py): everything arrives both ways,
    the 70 MiB files in ranges and in parts too, and each failure is retried
    once, with a warning on the console. (tests/host/test_s3_mirror.py has
    the same against RGW.)"""
    pulled = os.urandom(70 * MiB)
    put(s3, "data", "job/in/big.bin", pulled)
    small = {f"job/in/s{i}.txt": f"small-{i}-{i * 37}\n".encode() for i in range(6)}
    for key, content in small.items():
        put(s3, "data", key, content)
    job = ("sha256sum /v/in/big.bin; cat /v/in/s*.txt; "
           "dd if=/dev/urandom of=/v/out/big.bin bs=1M count=70 2>/dev/null; sha256sum /v/out/big.bin; "
           "for i in 1 2 3 4 5 6; do echo result-$i > /v/out/r$i.txt; done")
    with FailingProxy(s3.port) as proxy:
        r = boot(f"b2c.minio=srv,http://10.0.2.2:{proxy.port},{s3.access_key},{s3.secret_key}",
                 "b2c.volume=vol-f,mirror=srv/data/job,pull_on=pipeline_start,push_on=pipeline_end",
                 f"b2c.run=\"-v vol-f:/v {image} sh -c 'mkdir -p /v/out; {job}'\"", timeout=400)
    assert r.code == 0, r.why("expected status 0 despite the failures")
    assert lines(r.text, f"{hashlib.sha256(pulled).hexdigest()}  /v/in/big.bin"), \
        r.why("the 70 MiB file should arrive whole")
    for content in small.values():
        assert lines(r.text, content.decode().strip()), r.why("every small file should arrive")
    written = re.search(r"^([0-9a-f]{64})  /v/out/big.bin\r?$", r.text, re.M)
    assert written, r.why("expected the sha256 of the written file")
    assert hashlib.sha256(s3.stored("data", "job/out/big.bin")).hexdigest() == written.group(1)
    for i in range(1, 7):
        assert s3.stored("data", f"job/out/r{i}.txt") == f"result-{i}\n".encode()
    methods = proxy.failed_methods()
    assert methods["GET"] >= 2 and methods["PUT"] >= 2, proxy.failed
    retries = re.findall(r"WARNING: (GET|PUT|POST|HEAD|DELETE) .*: HTTP 50[03] .*; attempt \d of 5 in \d+ ms", r.text)
    assert len(retries) == len(proxy.failed), r.why(f"each of the {len(proxy.failed)} failures should be retried once")
    record_measurement(f"S3 failing 1 request in 3 (s3rver): {len(proxy.failed)} of {proxy.requests} failed "
                       f"({dict(methods)}), all retried, status 0, boot {r.seconds:.0f} s")
    assert_no_keys(r, s3)


def test_changes_are_pushed_while_the_container_runs(start_boot, image, s3):
    s3.make_bucket("live")
    running = start_boot(
        minio(s3), "b2c.volume=vol-live,push_to=srv/live,push_on=changes",
        f"b2c.run=\"-v vol-live:/out {image} sh -c 'echo step-$((1+1)) > /out/progress.txt; "
        "echo wrote-progress-$((3*3)); sleep 45; echo last-$((2*5)) > /out/final.txt; echo done-$((4*4))'\"",
        timeout=240)
    # The progress file must reach the bucket while the container sleeps.
    assert wait_for(lambda: "wrote-progress-9" in running.console(), 180, running), "the container did not start"
    seen = wait_for(lambda: "progress.txt" in s3.keys("live"), 40, running)
    still_running = "done-16" not in running.console()
    r = running.wait()
    assert seen and still_running, r.why("progress.txt should be in the bucket before the container ends")
    assert r.code == 0, r.why("expected status 0")
    assert s3.stored("live", "progress.txt") == b"step-2\n"
    # The final push at the pipeline's end brings what came after.
    assert s3.stored("live", "final.txt") == b"last-10\n", r.why("the final push should bring final.txt")
    assert_no_keys(r, s3)


def test_a_failed_push_fails_the_pipeline_and_keeps_the_data(start_boot, image, s3):
    s3.make_bucket("results")
    running = start_boot(
        minio(s3), "b2c.volume=vol-res,push_to=srv/results,push_on=container_end",
        f"b2c.run=\"-v vol-res:/r {image} sh -c 'echo precious-$((7*11)) > /r/junit.xml; "
        "echo kill-the-server-$((5+5)); sleep 20'\"",
        f"b2c.run_post=\"-v vol-res:/r {image} sh -c 'echo post-sees-$(cat /r/junit.xml)'\"",
        timeout=300)
    assert wait_for(lambda: "kill-the-server-10" in running.console(), 180, running), "the container did not start"
    s3.kill()
    r = running.wait()
    assert r.code not in VM_FAILURES and r.code != 0, r.why("a failed push must fail the pipeline")
    assert re.search(r"pipeline failed with status 1 \(failed by: push of volume vol-res to srv/results", r.text), \
        r.why("the status should name the push that failed")
    assert lines(r.text, "post-sees-precious-77"), r.why("the data stays on the volume; post containers still run")
    assert_no_keys(r, s3)
