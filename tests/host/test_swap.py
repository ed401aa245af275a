"""storage/swap against the kernel: swap files on a loop ext4, driven by
tests/host/swap_probe. Needs root. The host really swaps to the file for
the second or so a test holds it; every test swapoffs in a finally.
"""
import os
import subprocess

import pytest

from loopfs import LoopFs, sh

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="loop devices and swapon need root")

SIZE = 64 << 20


@pytest.fixture
def probe(build_dir):
    path = build_dir / "tests" / "host" / "swap_probe"
    if not path.exists():
        pytest.fail(f"{path} is missing: build it, or point B2C_BUILD_DIR at the build directory")
    return path


@pytest.fixture
def ext4(tmp_path):
    fs = LoopFs(tmp_path, size_mib=128, mkfs=("mkfs.ext4", "-q"))
    try:
        yield fs
    finally:
        fs.close()


def run(probe, *args):
    result = subprocess.run([str(probe), *args], capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    fields = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return result, fields


def active_swaps():
    with open("/proc/swaps") as swaps:
        return [line.split()[0] for line in swaps.read().splitlines()[1:]]


def test_swap_file_has_a_header_blkid_and_file_recognise(probe, ext4):
    path = ext4.mountpoint / "swapfile"
    result, fields = run(probe, "create", str(path), str(SIZE))
    assert result.returncode == 0, result.stdout + result.stderr
    st = os.stat(path)
    assert st.st_size == SIZE
    assert st.st_mode & 0o777 == 0o600
    assert st.st_blocks * 512 >= SIZE  # preallocated, no holes
    blkid = sh("blkid", "-p", "-o", "export", str(path)).stdout
    assert "TYPE=swap" in blkid.splitlines()
    described = sh("file", str(path)).stdout
    assert "swap file" in described and "version 1" in described
    assert f"size {SIZE // 4096 - 1} pages" in described


def test_swap_file_is_used_then_stopped_and_deleted(probe, ext4):
    path = ext4.mountpoint / "swapfile"
    process = subprocess.Popen([str(probe), "use", str(path), str(SIZE)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.strip() == f"swapping={path}", process.stderr.read() if not line else line
        assert str(path) in active_swaps()
        process.stdin.close()  # the probe's SwapFile dies: swapoff, delete
        assert process.wait(timeout=60) == 0
        assert str(path) not in active_swaps()
        assert not path.exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if str(path) in active_swaps():
            subprocess.run(["swapoff", str(path)], capture_output=True)


def test_a_file_left_by_an_earlier_boot_is_replaced(probe, ext4):
    path = ext4.mountpoint / "swapfile"
    path.write_bytes(b"junk" * 1000)
    result, _ = run(probe, "create", str(path), str(SIZE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert os.stat(path).st_size == SIZE
    assert "TYPE=swap" in sh("blkid", "-p", "-o", "export", str(path)).stdout.splitlines()


def test_not_enough_space_is_a_clear_error_and_leaves_nothing(probe, ext4):
    path = ext4.mountpoint / "swapfile"
    result, fields = run(probe, "create", str(path), str(1 << 30))
    assert result.returncode == 1
    assert "not enough space for a swap file of 1.0 GiB" in fields["error"]
    assert "MiB free" in fields["error"] and "b2c.swap=" in fields["error"]
    assert not path.exists()


def test_too_small_is_refused(probe, ext4):
    result, fields = run(probe, "create", str(ext4.mountpoint / "swapfile"), "4096")
    assert result.returncode == 1
    assert "too small" in fields["error"]


def test_kernel_refusal_on_tmpfs_is_a_clear_error_and_leaves_nothing(probe, tmp_path):
    mnt = tmp_path / "tmpfs"
    mnt.mkdir()
    sh("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mnt))
    path = mnt / "swapfile"
    try:
        result, fields = run(probe, "use", str(path), str(16 << 20))
        left = path.exists()
    finally:
        if str(path) in active_swaps():
            subprocess.run(["swapoff", str(path)], capture_output=True)
        subprocess.run(["umount", str(mnt)], capture_output=True)
    assert result.returncode == 1
    assert "the kernel refuses a swap file on tmpfs" in fields["error"]
    assert not left
