"""b2c-mirror (storage/s3) against two real S3 servers on loopback, each
test on both: s3rver (npm), which checks no signature and has no SSE-C, and
Ceph's RADOS Gateway (tests/host/rgw.py), which checks every signature the
way AWS does. Push and pull round trips, overwrite/remove/exclude/preserve
semantics, pagination, multipart uploads, odd names, a server that dies in
the middle of a push, wrong keys and SSE-C. Buckets are checked through an
independent S3 client (boto3, tests/host/s3check.py), not through the code
under test."""
import filecmp
import hashlib
import os
import re
import subprocess
import time

import pytest

from file_reads import FileReads
from s3check import ClientError
from s3faults import FailingProxy
from s3servers import RGWServer, S3rverServer

ODD_NAMES = ["plain.txt", "with space.txt", "plus+sign.txt", "percent%41.txt", "ünïcødé/日本語.txt",
             "amp&eq=hash#tilde~.txt", "deep/er/and/deeper/file.bin", "empty"]
SSE_KEY = "b2c-SSE-C-key-of-32-bytes-0815!!"  # 32 bytes
assert len(SSE_KEY) == 32
WRONG_SECRET = "wrong-Secret-Key-4711-never-print"
MiB = 1 << 20

# For what only a real server shows: signatures checked, S3's limits, SSE-C.
rgw_only = pytest.mark.parametrize("s3", ["rgw"], indirect=True)


@pytest.fixture(params=["s3rver", "rgw"])
def s3(request, tmp_path):
    if request.param == "s3rver":
        server = S3rverServer(tmp_path / "s3rver")
    else:
        server = RGWServer(request.getfixturevalue("rgw_cluster"))
    try:
        yield server
    finally:
        server.stop()


def run_mirror(build_dir, s3, *args, secret_key=None, access_key=None, timeout=300, check=True):
    binary = build_dir / "tools" / "b2c-mirror"
    if not binary.exists():
        pytest.fail(f"{binary} is missing: build it first")
    env = dict(os.environ, B2C_MINIO_local=f"{s3.url},{access_key or s3.access_key},{secret_key or s3.secret_key}")
    result = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True, env=env,
                            timeout=timeout)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def mirror(build_dir, s3):
    def run(*args, **kwargs):
        return run_mirror(build_dir, s3, *args, **kwargs)
    return run


def libcurl_version(build_dir):
    """The version of the libcurl b2c-mirror runs with, from --version."""
    out = subprocess.run([str(build_dir / "tools" / "b2c-mirror"), "--version"], capture_output=True, text=True,
                         check=True).stdout
    return tuple(int(n) for n in re.search(r"^libcurl/(\d+)\.(\d+)", out, re.M).groups())


def write_tree(root, files):
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


def tree_digest(root):
    return {str(p.relative_to(root)): hashlib.md5(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def part_numbers(s3):
    """The part numbers of the UploadPart requests the server logged, sorted."""
    return sorted(int(n) for n in re.findall(r"partNumber=(\d+)&uploadId=", s3.requests_logged()))


def odd_tree(root):
    return write_tree(root, {name: (name * 3).encode() if name != "empty" else b"" for name in ODD_NAMES})


def test_push_then_pull_gives_the_same_tree(tmp_path, s3, mirror):
    src = odd_tree(tmp_path / "src")
    result = mirror(src, "local/bkt/some/prefix")
    assert f"copied {len(ODD_NAMES)}," in result.stdout
    assert s3.keys("bkt") == sorted("some/prefix/" + n for n in ODD_NAMES)
    for name in ODD_NAMES:
        assert s3.stored("bkt", "some/prefix/" + name) == (src / name).read_bytes()

    out = tmp_path / "out"
    result = mirror("local/bkt/some/prefix", out)
    assert f"copied {len(ODD_NAMES)}," in result.stdout
    assert tree_digest(out) == tree_digest(src)
    assert not [p for p in out.rglob(".b2c-mirror-*")]

    again = mirror(src, "local/bkt/some/prefix")
    assert f"copied 0, skipped {len(ODD_NAMES)} (0 differ)" in again.stdout
    assert "listed" not in again.stderr


def test_without_overwrite_a_different_file_is_kept_and_reported(tmp_path, s3, mirror):
    src = write_tree(tmp_path / "src", {"same-size.txt": b"aaaa", "other-size.txt": b"b", "ok.txt": b"ok"})
    mirror(src, "local/bkt")
    write_tree(src, {"same-size.txt": b"AAAA", "other-size.txt": b"bbbbbb"})

    kept = mirror(src, "local/bkt")
    assert "copied 0, skipped 3 (2 differ)" in kept.stdout
    assert "same-size.txt: differs" in kept.stderr and "other-size.txt: differs" in kept.stderr
    assert s3.stored("bkt", "same-size.txt") == b"aaaa"
    assert s3.stored("bkt", "other-size.txt") == b"b"

    replaced = mirror("--overwrite", src, "local/bkt")
    assert "copied 2, skipped 1 (0 differ)" in replaced.stdout
    assert s3.stored("bkt", "same-size.txt") == b"AAAA"
    assert s3.stored("bkt", "other-size.txt") == b"bbbbbb"


def test_pull_keeps_or_overwrites_local_changes(tmp_path, s3, mirror):
    src = write_tree(tmp_path / "src", {"f.txt": b"server"})
    mirror(src, "local/bkt")
    out = write_tree(tmp_path / "out", {"f.txt": b"mine!!"})
    kept = mirror("local/bkt", out)
    assert "1 differ" in kept.stdout and (out / "f.txt").read_bytes() == b"mine!!"
    mirror("--overwrite", "local/bkt", out)
    assert (out / "f.txt").read_bytes() == b"server"


def test_remove_deletes_only_when_asked_in_both_directions(tmp_path, s3, mirror):
    src = write_tree(tmp_path / "src", {"keep.txt": b"k"})
    mirror(src, "local/bkt")
    s3.put("bkt", "extra/remote.txt", b"r")

    mirror(src, "local/bkt")
    assert "extra/remote.txt" in s3.keys("bkt")
    removed = mirror("--remove", src, "local/bkt")
    assert "removed 1," in removed.stdout
    assert s3.keys("bkt") == ["keep.txt"]

    out = write_tree(tmp_path / "out", {"local-only.txt": b"l", "sub/also.txt": b"a"})
    pulled = mirror("local/bkt", out)
    assert "removed 0," in pulled.stdout
    assert (out / "local-only.txt").exists() and (out / "sub/also.txt").exists()
    pulled = mirror("--remove", "local/bkt", out)
    assert "removed 2," in pulled.stdout
    assert tree_digest(out) == {"keep.txt": hashlib.md5(b"k").hexdigest()}


def test_excluded_files_are_neither_copied_nor_removed(tmp_path, s3, mirror):
    src = write_tree(tmp_path / "src", {"a.txt": b"a", "b.log": b"b", "tmp/c.txt": b"c", "d/e.log": b"e"})
    s3.put("bkt", "remote.log", b"r")
    mirror("--remove", "--exclude", "*.log", "--exclude", "tmp/*", src, "local/bkt")
    assert s3.keys("bkt") == ["a.txt", "remote.log"]


def test_preserve_restores_mode_and_times(tmp_path, s3, mirror):
    src = write_tree(tmp_path / "src", {"script.sh": b"#!/bin/sh\n", "data/old.txt": b"old"})
    os.chmod(src / "script.sh", 0o751)
    os.chmod(src / "data/old.txt", 0o600)
    os.utime(src / "data/old.txt", ns=(1_500_000_000_123_456_789, 1_400_000_000_987_654_321))
    mirror("--preserve", src, "local/bkt")
    attrs = s3.user_metadata("bkt", "data/old.txt")["mc-attrs"]
    assert "mode:33152" in attrs and "mtime:1400000000#987654321" in attrs

    out = tmp_path / "out"
    mirror("--preserve", "local/bkt", out)
    for name in ("script.sh", "data/old.txt"):
        a, b = (src / name).stat(), (out / name).stat()
        assert oct(b.st_mode) == oct(a.st_mode), name
        assert b.st_mtime_ns == a.st_mtime_ns, name
    plain = tmp_path / "plain"
    mirror("local/bkt", plain)
    assert (plain / "data/old.txt").stat().st_mtime_ns != 1_400_000_000_987_654_321


def test_more_than_a_thousand_objects_are_listed_page_after_page(tmp_path, s3, mirror):
    src = write_tree(tmp_path / "src", {f"d{i % 7}/f{i:04}.txt": f"{i}\n".encode() for i in range(1500)})
    assert "copied 1500," in mirror(src, "local/bkt").stdout
    assert len(s3.keys("bkt")) == 1500
    assert "skipped 1500 (0 differ)" in mirror(src, "local/bkt").stdout  # needs every page
    out = tmp_path / "out"
    assert "copied 1500," in mirror("local/bkt", out).stdout
    assert tree_digest(out) == tree_digest(src)
    assert "continuation-token=" in s3.requests_logged()


def test_multipart_upload_with_a_small_threshold(tmp_path, s3, mirror):
    # s3rver takes parts of any size; RGW, like AWS, refuses a part under
    # 5 MiB unless it is the last (see the next test).
    part = 1 if s3.name == "s3rver" else 5
    sizes = ("--multipart-threshold", f"{part}M", "--part-size", f"{part}M")
    data = os.urandom(5 * part * MiB + 123)
    src = write_tree(tmp_path / "src", {"big.bin": data, "small.bin": b"s"})
    mirror(*sizes, src, "local/bkt")
    assert s3.stored("bkt", "big.bin") == data
    assert part_numbers(s3) == list(range(1, 7))  # big.bin in 6 parts, small.bin in one PUT
    if s3.name == "rgw":  # s3rver gives a multipart object the MD5 of the whole
        assert s3.etags("bkt")["big.bin"].endswith("-6")
    out = tmp_path / "out"  # and back in 6 ranges at once
    mirror(*sizes, "local/bkt", out)
    assert (out / "big.bin").read_bytes() == data
    assert "skipped 2 (0 differ)" in mirror(*sizes, src, "local/bkt").stdout


@rgw_only
def test_parts_under_5_mib_are_refused_and_the_upload_is_aborted(tmp_path, s3, mirror):
    src = write_tree(tmp_path / "src", {"big.bin": os.urandom(3 * MiB), "small.bin": b"s"})
    result = mirror("--multipart-threshold", "1M", "--part-size", "1M", src, "local/bkt", check=False)
    assert result.returncode == 1
    assert "big.bin: completing the upload failed: HTTP 400 EntityTooSmall" in result.stderr
    assert "copied 1," in result.stdout
    assert s3.keys("bkt") == ["small.bin"]
    assert s3.client.list_multipart_uploads(Bucket="bkt").get("Uploads", []) == []  # aborted: no parts left


def test_a_70_mib_file_goes_in_16_mib_parts(tmp_path, s3, mirror):
    src = tmp_path / "src"
    src.mkdir()
    with open(src / "big.bin", "wb") as f:
        for _ in range(70):
            f.write(os.urandom(1 << 20))
    mirror(src, "local/bkt")
    assert part_numbers(s3) == list(range(1, 6))
    assert hashlib.md5(s3.stored("bkt", "big.bin")).digest() == hashlib.md5((src / "big.bin").read_bytes()).digest()
    out = tmp_path / "out"
    mirror("local/bkt", out)
    assert filecmp.cmp(out / "big.bin", src / "big.bin", shallow=False)


def test_with_a_record_unchanged_files_are_not_read_again(tmp_path, s3, mirror):
    """--record-dir: what a mirror left identical is trusted by the next one
    while the file's size, inode, mtime and ctime and the object's ETag hold;
    the reads are counted by the kernel (inotify), not by b2c-mirror."""
    part = 1 if s3.name == "s3rver" else 5
    sizes = ("--multipart-threshold", f"{part}M", "--part-size", f"{part}M")
    files = {f"d{i % 5}/f{i:03}.bin": os.urandom(4096) for i in range(200)}
    files["big.bin"] = os.urandom(2 * part * MiB + 7)  # in 3 parts
    src = write_tree(tmp_path / "src", files)
    state = tmp_path / "state"
    state.mkdir()
    assert "copied 201," in mirror(*sizes, "--record-dir", state, src, "local/bkt").stdout
    assert [p.name for p in state.iterdir()][0].startswith(".b2c-mirror-record-")

    with FileReads(src) as reads:  # without the record, every file is read to be compared
        plain = mirror(*sizes, src, "local/bkt")
    total = sum(len(data) for data in files.values())
    assert "skipped 201 (0 differ)" in plain.stdout
    assert f"0 trusted from the record, {total} bytes read to compare" in plain.stdout
    assert reads.files() == set(files)

    with FileReads(src) as reads:
        again = mirror(*sizes, "--record-dir", state, src, "local/bkt")
    assert "skipped 201 (0 differ)" in again.stdout
    assert "201 trusted from the record, 0 bytes read to compare" in again.stdout
    assert reads.files() == set()

    # Rewritten with the same size and its mtime put back: read, found different, pushed.
    victim = src / "d1/f001.bin"
    before = victim.stat()
    victim.write_bytes(os.urandom(4096))
    os.utime(victim, ns=(before.st_atime_ns, before.st_mtime_ns))
    with FileReads(src) as reads:
        changed = mirror(*sizes, "--record-dir", state, "--overwrite", src, "local/bkt")
    assert "copied 1," in changed.stdout
    assert "200 trusted from the record, 4096 bytes read to compare" in changed.stdout
    assert reads.files() == {"d1/f001.bin"}
    assert s3.stored("bkt", "d1/f001.bin") == victim.read_bytes()

    # A pull keeps a record too: pushing back what it brought reads nothing.
    out, out_state = tmp_path / "out", tmp_path / "out-state"
    out_state.mkdir()
    assert "copied 201," in mirror(*sizes, "--record-dir", out_state, "local/bkt", out).stdout
    with FileReads(out) as reads:
        back = mirror(*sizes, "--record-dir", out_state, out, "local/bkt")
    assert "201 trusted from the record, 0 bytes read to compare" in back.stdout
    assert reads.files() == set()
    assert tree_digest(out) == tree_digest(src)


@rgw_only
def test_small_objects_come_without_waiting_for_delayed_acks(tmp_path, s3, mirror):
    """RGW's default frontend (no tcp_nodelay) holds a small body back until
    its headers are acknowledged, and Linux delays that ACK by 40 ms at
    least: one GET at a time, 60 objects would take 2.4 s or more. b2c-mirror
    acknowledges each answer's headers at once (storage/s3/quick_ack.h)."""
    files = {f"f{i:02}.bin": os.urandom(4096) for i in range(60)}
    src = write_tree(tmp_path / "src", files)
    mirror(src, "local/bkt")
    out = tmp_path / "out"
    start = time.monotonic()
    assert "copied 60," in mirror("--jobs", "1", "local/bkt", out).stdout
    elapsed = time.monotonic() - start
    assert tree_digest(out) == tree_digest(src)
    assert elapsed < 60 * 0.020, f"60 GETs one at a time took {elapsed:.2f} s"


def test_a_server_that_dies_mid_push_fails_the_files_and_keeps_them(tmp_path, s3, build_dir):
    src = write_tree(tmp_path / "src", {f"f{i:04}.txt": os.urandom(2048) for i in range(3000)})
    before = tree_digest(src)
    env = dict(os.environ, B2C_MINIO_local=f"{s3.url},{s3.access_key},{s3.secret_key}")
    push = subprocess.Popen([str(build_dir / "tools" / "b2c-mirror"), "--attempts", "3", "--retry-delay", "200",
                             "--jobs", "4", str(src), "local/bkt"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and s3.count("bkt") < 100:
        time.sleep(0.05)
    s3.kill()
    stdout, stderr = push.communicate(timeout=120)
    assert push.returncode == 1, stdout + stderr
    assert "attempt 3 of 3" in stderr
    copied = int(stdout.split("copied ")[1].split(",")[0])
    failed = [line.strip().split(":")[0] for line in stderr.splitlines() if line.startswith("  f")]
    assert 0 < copied < 3000 and failed
    assert copied + len(failed) == 3000
    assert f"{len(failed)} file(s) failed" in stderr
    assert tree_digest(src) == before
    assert s3.secret_key not in stdout + stderr and s3.access_key not in stdout + stderr

    # Back with the same data: the files that failed are sent again. One the
    # server was writing when it died may be there whole (it died before
    # answering: same, not sent) or cut short (differs: --overwrite sends it).
    s3.restart()
    again = subprocess.run([str(build_dir / "tools" / "b2c-mirror"), "--overwrite", str(src), "local/bkt"],
                           capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    resent = int(again.stdout.split("copied ")[1].split(",")[0])
    # At most one file in flight per job may be there whole and not sent
    # again. A few more may be sent than failed: s3rver killed may lose
    # objects it had just acknowledged (5 more than failed, once in 2,892,
    # under ASan in .ci/run); most of the copied files must stay copied.
    assert len(failed) - 4 <= resent <= len(failed) + copied // 2, (resent, len(failed), copied)
    assert s3.etags("bkt") == before  # one PUT each: the ETag is the MD5: nothing lost


def test_a_server_failing_one_request_in_three_loses_nothing(tmp_path, s3, build_dir):
    """S3 answers 500 and 503 under load; a client must retry. Every third
    request (listings, PUTs, the multipart's start, parts and end, GETs of
    whole objects and of ranges) is failed by a proxy in front of
    the server: both ways, everything arrives and each failure is retried
    once, visibly."""
    part = 1 if s3.name == "s3rver" else 5
    sizes = ("--multipart-threshold", f"{part}M", "--part-size", f"{part}M")
    files = {f"small/{i:02}.txt": os.urandom(100 + i) for i in range(24)}
    files["big.bin"] = os.urandom(4 * part * MiB + 7)
    src = write_tree(tmp_path / "src", files)
    with FailingProxy(s3.port) as proxy:
        env = dict(os.environ, B2C_MINIO_local=f"http://127.0.0.1:{proxy.port},{s3.access_key},{s3.secret_key}")

        def run(*args):
            result = subprocess.run([str(build_dir / "tools" / "b2c-mirror"), *sizes, "--retry-delay", "100",
                                     *map(str, args)], capture_output=True, text=True, env=env, timeout=300)
            assert result.returncode == 0, result.stdout + result.stderr
            return result

        push = run(src, "local/bkt")
        pushed_failures = len(proxy.failed)
        pull = run("local/bkt", tmp_path / "out")
        pulled_failures = len(proxy.failed) - pushed_failures
    assert "copied 25," in push.stdout and "copied 25," in pull.stdout
    for name, content in files.items():  # checked on the server itself, not through the proxy
        assert s3.stored("bkt", name) == content, name
    assert tree_digest(tmp_path / "out") == tree_digest(src)
    # Each failure was retried once, and said so.
    retries = re.compile(r": HTTP 50[03] (SlowDown|InternalError)\b.*; attempt \d of 5 in \d+ ms")
    assert len(retries.findall(push.stderr)) == pushed_failures >= 8, push.stderr
    assert len(retries.findall(pull.stderr)) == pulled_failures >= 3, pull.stderr
    assert {"PUT", "GET"} <= set(proxy.failed_methods()), proxy.failed
    if s3.name == "rgw":  # s3rver does not list uploads; no part may be left behind
        assert s3.client.list_multipart_uploads(Bucket="bkt").get("Uploads", []) == []
    print(f"{s3.name}: {len(proxy.failed)} of {proxy.requests} requests failed, all retried: "
          f"{dict(proxy.failed_methods())}")


def test_a_bad_encryption_key_is_refused_without_showing_it(tmp_path, s3, mirror):
    src = write_tree(tmp_path / "src", {"a": b"a"})
    result = mirror("--encrypt-key", "not-32-bytes-secret", src, "local/bkt", check=False)
    assert result.returncode == 1
    assert "32 bytes" in result.stderr and "not-32-bytes-secret" not in result.stdout + result.stderr


def test_pulling_a_missing_bucket_is_an_error_naming_it(tmp_path, s3, mirror):
    result = mirror("local/nothing-here", tmp_path / "out", check=False)
    assert result.returncode == 1
    assert "nothing-here" in result.stderr and "NoSuchBucket" in result.stderr


def test_the_leftover_of_a_killed_pull_is_never_pushed(tmp_path, s3, mirror):
    src = write_tree(tmp_path / "src", {"a.txt": b"a", "sub/.b2c-mirror-Xy12Zq": b"half a download"})
    mirror(src, "local/bkt")
    assert s3.keys("bkt") == ["a.txt"]


@rgw_only
def test_a_wrong_secret_key_is_refused_and_never_printed(tmp_path, s3, mirror):
    src = write_tree(tmp_path / "src", {"a.txt": b"a"})
    s3.make_bucket("guarded")
    results = [mirror(src, "local/guarded", secret_key=WRONG_SECRET, check=False),
               mirror("local/guarded", tmp_path / "out", secret_key=WRONG_SECRET, check=False),
               mirror("--list", "local/guarded", secret_key=WRONG_SECRET, check=False)]
    for result in results:
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "403" in output and "SignatureDoesNotMatch" in output, output
        assert "guarded" in output, output  # names the bucket
        assert WRONG_SECRET not in output and s3.secret_key not in output, output
    assert s3.keys("guarded") == []
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@rgw_only
def test_an_unknown_access_key_is_refused(tmp_path, s3, mirror):
    src = write_tree(tmp_path / "src", {"a.txt": b"a"})
    s3.make_bucket("guarded")
    result = mirror(src, "local/guarded", access_key="NOSUCHACCESSKEY00000", check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "InvalidAccessKeyId" in output and "guarded" in output, output
    assert s3.secret_key not in output
    assert s3.keys("guarded") == []


def sse_c_tree(root):
    # One small object in one PUT, one in 3 parts: UploadPart needs the key too.
    return write_tree(root, {"small.txt": b"secret-ish content\n", "sub/big.bin": os.urandom(2 * 5 * MiB + 77)})


@rgw_only
def test_sse_c_round_trip(request, tmp_path, s3, mirror, build_dir):
    if libcurl_version(build_dir) < (8, 10):
        request.node.add_marker(pytest.mark.xfail(
            strict=True, reason="libcurl < 8.10 signs the SSE-C headers in the wrong order (…-key-md5 before "
                                "…-key): RGW refuses with SignatureDoesNotMatch"))
    src = sse_c_tree(tmp_path / "src")
    parts = ("--multipart-threshold", "5M", "--part-size", "5M")
    pushed = mirror("--encrypt-key", SSE_KEY, *parts, src, "local/bkt", check=False)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert s3.keys("bkt") == ["small.txt", "sub/big.bin"]
    # Without the key, the server refuses to give the objects back.
    for key in ("small.txt", "sub/big.bin"):
        with pytest.raises(ClientError) as refused:
            s3.stored("bkt", key)
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # With it, an independent client gets the bytes; and so does a pull.
    assert s3.stored("bkt", "small.txt", SSECustomerAlgorithm="AES256",
                     SSECustomerKey=SSE_KEY) == (src / "small.txt").read_bytes()
    out = tmp_path / "out"
    pulled = mirror("--encrypt-key", SSE_KEY, *parts, "local/bkt", out)
    assert "copied 2," in pulled.stdout
    assert tree_digest(out) == tree_digest(src)
    for result in (pushed, pulled):
        assert SSE_KEY not in result.stdout + result.stderr


@rgw_only
def test_sse_c_with_an_old_libcurl_fails_with_a_hint(tmp_path, s3, mirror, build_dir):
    if libcurl_version(build_dir) >= (8, 10):
        pytest.skip("this libcurl signs SSE-C headers right: test_sse_c_round_trip covers it")
    src = write_tree(tmp_path / "src", {"small.txt": b"x"})
    result = mirror("--encrypt-key", SSE_KEY, src, "local/bkt", check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "SignatureDoesNotMatch" in output and "libcurl 8.10" in output, output
    assert SSE_KEY not in output and s3.secret_key not in output
