"""storage/swap against the kernel: swap files on a loop ext4, and loop
devices given to swap whole (b2c.swap=/dev/X: blank, already swap, or
holding data, refused), driven by tests/host/swap_probe. Needs root. The
host really swaps to the file or device for the second or so a test holds
it; every test swapoffs in a finally.
"""
import hashlib
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


# b2c.swap=/dev/X: loop devices stand for the disks.

@pytest.fixture
def loop_device(tmp_path):
    """A function making a 64 MiB loop device, `prepare`d by a command
    given its path (mkfs, sfdisk, mkswap) first; all detached at the end."""
    made = []

    def make(prepare=None, name="disk.img"):
        image = tmp_path / name
        with open(image, "wb") as f:
            f.truncate(SIZE)
        device = sh("losetup", "--find", "--show", str(image)).stdout.strip()
        made.append(device)
        if prepare:
            prepare(device)
        sh("sync")
        return image, device

    yield make
    for device in made:
        if device in active_swaps():
            subprocess.run(["swapoff", device], capture_output=True)
        subprocess.run(["losetup", "--detach", device], capture_output=True)


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hold_device(probe, device):
    """Runs `swap_probe device`, returns (what it printed first, whether the
    device was in /proc/swaps then, its exit status once told to stop)."""
    process = subprocess.Popen([str(probe), "device", device], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip()
        swapping = device in active_swaps()
        process.stdin.close()
        status = process.wait(timeout=60)
        return line + "\n" + process.stdout.read() + process.stderr.read(), swapping, status
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def blkid(device, tag):
    return sh("blkid", "-p", "-s", tag, "-o", "value", device).stdout.strip()


def test_a_blank_device_becomes_swap_and_is_swapped_on(probe, loop_device):
    image, device = loop_device()
    out, swapping, status = hold_device(probe, device)
    assert out.startswith(f"swapping={device}\n"), out
    assert swapping, f"{device} should have been in /proc/swaps: {out}"
    assert status == 0, out
    assert "was blank: made a swap area of it" in out, out
    assert device not in active_swaps(), "swapoff when the area dies"
    assert blkid(device, "TYPE") == "swap"
    described = sh("file", "-s", device).stdout
    assert "swap file" in described and f"size {SIZE // 4096 - 1} pages" in described, described


def test_an_existing_swap_area_is_reused_not_made_again(probe, loop_device):
    uuid = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
    image, device = loop_device(lambda d: sh("mkswap", "-U", uuid, "-L", "kept-label", d))
    before = sha256(image)
    out, swapping, status = hold_device(probe, device)
    assert swapping and status == 0, out
    assert f"is a swap area already (UUID {uuid})" in out, out
    assert blkid(device, "UUID") == uuid and blkid(device, "LABEL") == "kept-label"
    sh("losetup", "--detach", device)
    assert sha256(image) == before, "a swap area in use is not rewritten"


@pytest.mark.parametrize("prepare, holds", [
    (lambda d: sh("mkfs.ext4", "-q", d), "holds an ext4 file system"),
    (lambda d: sh("sfdisk", "--quiet", d, input="label: gpt\nstart=2048, size=16MiB, type=linux\n"),
     "holds a gpt partition table"),
    (lambda d: sh("sfdisk", "--quiet", d, input="label: dos\nstart=2048, size=16MiB, type=83\n"),
     "holds a dos partition table"),
], ids=["ext4", "gpt", "dos"])
def test_a_device_holding_data_is_refused_and_not_written(probe, loop_device, prepare, holds):
    image, device = loop_device(prepare)
    before = sha256(image)
    out, swapping, status = hold_device(probe, device)
    assert status == 1 and not swapping, out
    assert f"error={device} {holds}; refusing to make it a swap area (wipe it with wipefs -a {device} first" \
        in out, out
    sh("losetup", "--detach", device)  # every write reaches the image
    assert sha256(image) == before, "not one byte may change"


def test_a_missing_node_or_a_file_is_a_clear_error(probe, tmp_path):
    out, swapping, status = hold_device(probe, "/dev/b2c-no-such-disk")
    assert status == 1 and "error=/dev/b2c-no-such-disk did not appear within 2 s" in out, out
    plain = tmp_path / "plain"
    plain.write_bytes(bytes(SIZE))
    out, swapping, status = hold_device(probe, str(plain))
    assert status == 1 and f"error={plain} is not a block device" in out, out
    assert plain.read_bytes() == bytes(SIZE)
