"""A mirrored volume is written by containers: a symbolic link one plants
must never take a pull's write, a push's read or a deletion outside the
volume (b2c-mirror against s3rver; the same engine as the init's hooks)."""
import os
import stat
import subprocess

import pytest

from s3servers import S3rverServer


@pytest.fixture
def s3(tmp_path):
    server = S3rverServer(tmp_path / "s3rver")
    yield server
    server.stop()


@pytest.fixture
def mirror(build_dir, s3):
    binary = build_dir / "tools" / "b2c-mirror"
    if not binary.exists():
        pytest.fail(f"{binary} is missing: build it first")

    def run(*args, check=True):
        env = dict(os.environ, B2C_MINIO_local=f"{s3.url},{s3.access_key},{s3.secret_key}")
        result = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True, env=env,
                                timeout=120)
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result
    return run


def push_objects(tmp_path, mirror, files, preserve=False):
    src = tmp_path / "objects"
    for name, (content, mode) in files.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        os.chmod(path, mode)
    mirror(*(["--preserve"] if preserve else []), src, "local/bkt")


def test_a_pull_never_writes_through_a_planted_link(tmp_path, s3, mirror):
    outside = tmp_path / "outside"
    outside.mkdir()
    push_objects(tmp_path, mirror, {"link/evil": (b"owned", 0o4755), "good.txt": (b"fine", 0o644)},
                 preserve=True)
    volume = tmp_path / "volume"
    volume.mkdir()
    os.symlink(outside, volume / "link")
    result = mirror("--overwrite", "--preserve", "local/bkt", volume, check=False)
    assert not (outside / "evil").exists(), "the pull wrote outside the volume through a link"
    assert os.listdir(outside) == []
    assert result.returncode == 1, result.stdout + result.stderr
    assert "link/evil" in result.stderr and "symbolic link" in result.stderr
    # The rest of the pull is done, and the link is left as it was.
    assert (volume / "good.txt").read_bytes() == b"fine"
    assert os.readlink(volume / "link") == str(outside)


def test_a_pulled_file_never_gets_setuid_or_setgid(tmp_path, s3, mirror):
    push_objects(tmp_path, mirror, {"tool": (b"#!/bin/sh\n", 0o6755)}, preserve=True)
    volume = tmp_path / "volume"
    mirror("--preserve", "local/bkt", volume)
    mode = stat.S_IMODE(os.stat(volume / "tool").st_mode)
    assert mode == 0o755, oct(mode)


def test_a_pull_replaces_a_planted_link_instead_of_writing_through_it(tmp_path, s3, mirror):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    push_objects(tmp_path, mirror, {"report.txt": (b"new report", 0o644)})
    volume = tmp_path / "volume"
    volume.mkdir()
    os.symlink(victim, volume / "report.txt")
    mirror("--overwrite", "local/bkt", volume)
    assert victim.read_bytes() == b"precious"
    assert not (volume / "report.txt").is_symlink()
    assert (volume / "report.txt").read_bytes() == b"new report"


def test_remove_never_deletes_through_a_planted_link(tmp_path, s3, mirror):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_bytes(b"keep me")
    push_objects(tmp_path, mirror, {"a.txt": (b"a", 0o644)})
    volume = tmp_path / "volume"
    volume.mkdir()
    os.symlink(outside, volume / "link")
    # The listing of the volume does not follow the link, so the file
    # behind it is not "local", and `remove` has nothing to delete there.
    mirror("--remove", "local/bkt", volume)
    assert (outside / "keep.txt").read_bytes() == b"keep me"


def test_a_push_never_reads_through_a_planted_link(tmp_path, s3, mirror):
    secret = tmp_path / "host-secret"
    secret.write_bytes(b"host secret")
    volume = tmp_path / "volume"
    (volume / "dir").mkdir(parents=True)
    (volume / "dir" / "ok.txt").write_bytes(b"ok")
    os.symlink(secret, volume / "dir" / "leak.txt")
    os.symlink(tmp_path, volume / "up")
    mirror(volume, "local/bkt")
    assert s3.keys("bkt") == ["dir/ok.txt"]
