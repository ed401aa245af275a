"""The cache device (b2c.cache_device) on loop devices: finding, partitioning,
formatting, checking and mounting, through tests/host/cache_probe. Needs
root, util-linux (losetup, sfdisk, partx, blkid) and e2fsprogs.

Every path the probe mounts is under the test's temp dir, and the probe only
ever looks at the loop devices named with --disk. The fixture unmounts and
detaches everything, also when a test fails.

The kernel this runs on may have no partition-table parsers (Firecracker's
has none): a partition is then only known to the kernel when someone
registers it with BLKPG. The code under test does that itself (as it must in
an initramfs without udev); the tests use `partx -a` where they need a
partition node before the probe runs.
"""
import hashlib
import os
import re
import shutil
import subprocess
import threading
import time

import pytest

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="loop devices need root"),
    pytest.mark.skipif(shutil.which("sfdisk") is None, reason="sfdisk (fdisk package) is not installed"),
    pytest.mark.skipif(shutil.which("mke2fs") is None, reason="e2fsprogs is not installed"),
]

MiB = 1 << 20
GPT_LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"


def sh(*args, check=True, input=None):
    return subprocess.run([str(a) for a in args], check=check, capture_output=True, text=True, input=input)


def make_image(path, size_mib, sfdisk_script=None):
    sh("truncate", "-s", f"{size_mib}M", path)
    if sfdisk_script:
        sh("sfdisk", "--no-reread", "--no-tell-kernel", "-q", path, input=sfdisk_script)
    return path


def fill_random(path, offset, size):
    """Fills [offset, offset + size) of the image with random bytes; returns their sha256."""
    data = os.urandom(size)
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)
    return hashlib.sha256(data).hexdigest()


def sha256_of(path, offset=0, size=None):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        f.seek(offset)
        remaining = size if size is not None else os.path.getsize(path) - offset
        while remaining > 0:
            chunk = f.read(min(remaining, 4 * MiB))
            if not chunk:
                break
            digest.update(chunk)
            remaining -= len(chunk)
    return digest.hexdigest()


def dump(device):
    """sfdisk --dump as (label, [partition dicts]) with start/size in sectors."""
    text = sh("sfdisk", "--dump", device).stdout
    label = re.search(r"^label: (\w+)", text, re.M).group(1)
    parts = []
    for line in text.splitlines():
        m = re.match(r"^(\S+) : (.*)$", line)
        if not m:
            continue
        fields = {"node": m.group(1)}
        for item in m.group(2).split(","):
            key, _, value = item.strip().partition("=")
            fields[key] = value.strip().strip('"')
        parts.append(fields)
    return label, parts


def blkid(device):
    out = sh("blkid", "-p", "-o", "export", device, check=False).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def features(device):
    out = sh("dumpe2fs", "-h", device).stdout
    return re.search(r"^Filesystem features:\s*(.*)$", out, re.M).group(1).split()


class Loop:
    def __init__(self, image):
        self.image = image
        self.dev = sh("losetup", "--find", "--show", "--partscan", image).stdout.strip()
        self.name = os.path.basename(self.dev)

    def part(self, number):
        return f"{self.dev}p{number}"

    def register_partitions(self):
        """What a kernel with partition parsers would have done at attach time."""
        sh("partx", "-a", self.dev, check=False)  # fails harmlessly when already known


@pytest.fixture
def env(tmp_path):
    """Attaches loop devices on demand; unmounts and detaches all at the end."""
    loops = []

    class Env:
        root = tmp_path / "root"

        def attach(self, image):
            loop = Loop(image)
            loops.append(loop)
            return loop

        def probe(self, disks, cmdline, *extra, timeout=180):
            argv = [str(self.build_dir / "tests/host/cache_probe"), "--root", str(self.root)]
            for disk in disks:
                argv += ["--disk", disk.name]
            argv += [str(a) for a in extra] + [cmdline]
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
            values = {}
            for line in proc.stdout.splitlines():
                key, sep, value = line.partition("=")
                if sep:
                    values[key] = value
            values["rc"] = proc.returncode
            values["log"] = proc.stderr
            return values

    e = Env()
    try:
        yield e
    finally:
        with open("/proc/self/mountinfo") as f:
            mounts = [line.split()[4] for line in f]
        for mount_point in reversed(mounts):
            if mount_point.startswith(str(tmp_path)):
                subprocess.run(["umount", "-l", mount_point], check=False)
        for loop in loops:
            subprocess.run(["losetup", "-d", loop.dev], check=False)


@pytest.fixture(autouse=True)
def _build_dir(env, build_dir):
    probe = build_dir / "tests/host/cache_probe"
    if not probe.exists():
        pytest.skip(f"{probe} is not built (ninja -C {build_dir} tests/host/cache_probe)")
    env.build_dir = build_dir


def assert_cache(result, formatted):
    assert result["rc"] == 0 and result.get("cache") == "yes", result["log"]
    assert result["formatted"] == ("1" if formatted else "0"), result["log"]
    assert result["mounted"] == "1"
    assert result["containers_bound"] == "1"
    # podman's big temporary files (a whole layer) go on the cache, emptied
    # at each setup: the probe leaves a file there that must not survive.
    assert result["tmp_bound"] == "1"
    assert result["tmp_entries"] == "0", result["log"]
    assert result["legacy_link"] == result["mount_point"]
    assert result["unmounted"] == "1", result["log"]


def assert_cache_filesystem(node):
    info = blkid(node)
    assert info.get("TYPE") == "ext4", info
    assert info.get("LABEL") == "B2C_CACHE", info
    assert "encrypt" in features(node)


# ---- (a) a blank disk ---------------------------------------------------

def test_blank_disk_gets_a_gpt_and_a_cache_partition_then_keeps_it(env, tmp_path):
    disk = env.attach(make_image(tmp_path / "blank.img", 1024))
    first = env.probe([disk], "b2c.cache_device=auto", "--write", "f=hello", "--read", "f")
    assert_cache(first, formatted=True)
    assert first["source"] == disk.part(1)
    assert first["read.f"] == "hello"

    label, parts = dump(disk.dev)
    assert label == "gpt"
    assert len(parts) == 1
    assert parts[0]["name"] == "B2C_CACHE"
    assert parts[0]["type"] == GPT_LINUX
    assert int(parts[0]["start"]) == 2048  # 1 MiB aligned
    # All of the disk but the GPTs, to the MiB.
    assert int(parts[0]["size"]) * 512 == 1024 * MiB - 2 * MiB
    assert_cache_filesystem(disk.part(1))
    uuid = blkid(disk.part(1))["UUID"]

    second = env.probe([disk], "b2c.cache_device=auto", "--read", "f")
    assert_cache(second, formatted=False)
    assert second["source"] == disk.part(1)
    assert second["read.f"] == "hello"
    assert blkid(disk.part(1))["UUID"] == uuid
    assert "e2fsck: " + disk.part(1) + " is clean" in second["log"]
    assert dump(disk.dev)[1] == parts


def test_the_partition_is_found_even_when_the_kernel_does_not_know_it(env, tmp_path):
    image = make_image(tmp_path / "disk.img", 512)
    disk = env.attach(image)
    assert_cache(env.probe([disk], "b2c.cache_device=auto", "--write", "f=kept"), formatted=True)
    # A fresh attach: the kernel may not know the partition (no parsers).
    sh("losetup", "-d", disk.dev)
    disk.dev = sh("losetup", "--find", "--show", "--partscan", image).stdout.strip()
    disk.name = os.path.basename(disk.dev)
    result = env.probe([disk], "b2c.cache_device=auto", "--read", "f")
    assert_cache(result, formatted=False)
    assert result["read.f"] == "kept"


# ---- (b), (c) free space next to a partition that must survive -----------

@pytest.mark.parametrize("table", ["gpt", "dos"])
def test_cache_goes_in_the_free_space_and_the_data_partition_is_untouched(env, tmp_path, table):
    image = tmp_path / f"{table}.img"
    script = f"label: {table}\nstart=2048, size={300 * MiB // 512}, type={'83' if table == 'dos' else 'linux'}\n"
    make_image(image, 1024, script)
    data_hash = fill_random(image, 1 * MiB, 300 * MiB)
    disk = env.attach(image)
    disk.register_partitions()  # as a kernel with partition parsers would
    _, before = dump(disk.dev)

    result = env.probe([disk], "b2c.cache_device=auto", "--write", "f=x")
    assert_cache(result, formatted=True)
    label, parts = dump(disk.dev)
    assert label == table
    assert len(parts) == 2
    assert parts[0] == before[0]  # same start, size, type, uuid
    new = parts[1]
    assert result["source"] == disk.part(2)
    assert int(new["start"]) == 301 * MiB // 512  # right after the data, aligned
    if table == "gpt":
        assert new["name"] == "B2C_CACHE"
        assert int(new["size"]) * 512 == 1024 * MiB - 1 * MiB - 301 * MiB
    else:
        assert new["type"] == "83"
        assert int(new["size"]) * 512 == 1024 * MiB - 301 * MiB
    assert_cache_filesystem(disk.part(2))
    assert sha256_of(image, 1 * MiB, 300 * MiB) == data_hash
    assert "the largest free region is" in result["log"]


def test_the_largest_free_region_of_several_disks_wins(env, tmp_path):
    small = env.attach(make_image(tmp_path / "small.img", 512))
    big = env.attach(make_image(tmp_path / "big.img", 1024, "label: gpt\nstart=2048, size=204800\n"))
    plan = sh(env.build_dir / "tests/host/cache_probe", "--plan", "--disk", small.name, "--disk", big.name)
    values = dict(line.split("=", 1) for line in plan.stdout.splitlines())
    assert values["disk"] == big.dev
    assert values["new_table"] == "0"
    assert int(values["start"]) == 101 * MiB


# ---- (d) a full disk ------------------------------------------------------

def test_full_disk_gets_no_cache_and_nothing_is_written(env, tmp_path):
    image = make_image(tmp_path / "full.img", 512, "label: gpt\nstart=2048\n")
    fill_random(image, 1 * MiB, 500 * MiB)
    disk = env.attach(image)
    before = sha256_of(image)
    result = env.probe([disk], "b2c.cache_device=auto")
    assert result["rc"] == 1 and result["cache"] == "no", result["log"]
    assert "no disk has 256 MiB or more of free space" in result["reason"]
    assert "no free region of 256 MiB or more" in result["log"]
    assert sha256_of(image) == before


def test_no_disk_at_all_means_no_cache(env, tmp_path):
    # An optical-like case is hard to fake; a read-only disk is not: skipped.
    image = make_image(tmp_path / "ro.img", 512)
    dev = sh("losetup", "--find", "--show", "--read-only", image).stdout.strip()
    try:
        result = subprocess.run([str(env.build_dir / "tests/host/cache_probe"), "--root", str(env.root),
                                 "--disk", os.path.basename(dev), "b2c.cache_device=auto"],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 1
        assert "reason=no disk to put a cache on" in result.stdout
        assert "skipped, read-only" in result.stderr
    finally:
        sh("losetup", "-d", dev)


# ---- (e) reset --------------------------------------------------------------

def test_reset_reformats_the_cache(env, tmp_path):
    disk = env.attach(make_image(tmp_path / "disk.img", 512))
    assert_cache(env.probe([disk], "b2c.cache_device=auto", "--write", "f=old"), formatted=True)
    uuid = blkid(disk.part(1))["UUID"]
    result = env.probe([disk], "b2c.cache_device=reset", "--read", "f")
    assert_cache(result, formatted=True)
    assert result["read.f"] == "<missing>"
    assert result["source"] == disk.part(1)
    assert blkid(disk.part(1))["UUID"] != uuid
    assert len(dump(disk.dev)[1]) == 1  # the same partition, not a new one


# ---- (f) /dev/X: a partition, a whole disk ------------------------------------

def test_device_partition_without_file_system_is_formatted_then_kept(env, tmp_path):
    image = make_image(tmp_path / "disk.img", 1024,
                       "label: gpt\nstart=2048, size=409600\nstart=411648, size=614400\n")
    disk = env.attach(image)
    disk.register_partitions()
    first_hash = fill_random(image, 1 * MiB, 200 * MiB)  # partition 1 holds data
    result = env.probe([disk], f"b2c.cache_device={disk.part(2)}", "--write", "f=p2")
    assert_cache(result, formatted=True)
    assert result["source"] == disk.part(2)
    assert_cache_filesystem(disk.part(2))
    result = env.probe([disk], f"b2c.cache_device={disk.part(2)}", "--read", "f")
    assert_cache(result, formatted=False)
    assert result["read.f"] == "p2"
    assert sha256_of(image, 1 * MiB, 200 * MiB) == first_hash
    assert len(dump(disk.dev)[1]) == 2


def test_device_partition_with_another_file_system_is_used_as_it_is(env, tmp_path):
    disk = env.attach(make_image(tmp_path / "disk.img", 512, "label: gpt\nstart=2048\n"))
    disk.register_partitions()
    sh("mke2fs", "-q", "-t", "ext2", "-L", "mine", disk.part(1))
    uuid = blkid(disk.part(1))["UUID"]
    result = env.probe([disk], f"b2c.cache_device={disk.part(1)}")
    assert_cache(result, formatted=False)
    info = blkid(disk.part(1))
    assert (info["TYPE"], info["LABEL"], info["UUID"]) == ("ext2", "mine", uuid)


def test_device_partition_holding_swap_is_refused_not_formatted(env, tmp_path):
    disk = env.attach(make_image(tmp_path / "disk.img", 512, "label: gpt\nstart=2048\n"))
    disk.register_partitions()
    sh("mkswap", "-L", "myswap", disk.part(1))
    before = sha256_of(disk.part(1))
    result = env.probe([disk], f"b2c.cache_device={disk.part(1)}")
    assert result["rc"] == 1 and result["cache"] == "no", result["log"]
    assert "holds swap (not a file system)" in result["reason"]
    assert sha256_of(disk.part(1)) == before


def test_device_whole_blank_disk_then_its_cache_partition_is_reused(env, tmp_path):
    disk = env.attach(make_image(tmp_path / "disk.img", 512))
    result = env.probe([disk], f"b2c.cache_device={disk.dev}", "--write", "f=whole")
    assert_cache(result, formatted=True)
    assert result["source"] == disk.part(1)
    assert dump(disk.dev)[1][0]["name"] == "B2C_CACHE"
    result = env.probe([disk], f"b2c.cache_device={disk.dev}", "--read", "f")
    assert_cache(result, formatted=False)
    assert result["read.f"] == "whole"


def test_device_whole_disk_without_cache_partition_gets_a_new_table(env, tmp_path):
    # The contract: a whole disk given by name is ours to repartition.
    image = make_image(tmp_path / "disk.img", 512, "label: dos\nstart=2048, size=204800, type=83\n")
    disk = env.attach(image)
    disk.register_partitions()  # the kernel's old partition must go first
    result = env.probe([disk], f"b2c.cache_device={disk.dev}")
    assert_cache(result, formatted=True)
    label, parts = dump(disk.dev)
    assert label == "gpt"
    assert [p["name"] for p in parts] == ["B2C_CACHE"]
    assert "replacing its content with a new GPT" in result["log"]
    assert f"removing the kernel's partition {disk.name}p1" in result["log"]


# ---- (g) a node that never appears, or appears late --------------------------

def test_device_that_never_appears_means_no_cache_within_the_wait(env, tmp_path):
    start = time.monotonic()
    result = env.probe([], "b2c.cache_device=/dev/b2c-test-never-there", "--wait-ms", "1500")
    elapsed = time.monotonic() - start
    assert result["rc"] == 1 and result["cache"] == "no", result["log"]
    assert "did not appear within 1.5 s" in result["reason"]
    assert "WARNING: " in result["log"]
    assert 1.5 <= int(result["elapsed_ms"]) / 1000 < 3
    assert elapsed < 10


def test_device_that_appears_late_is_waited_for(env, tmp_path):
    disk = env.attach(make_image(tmp_path / "disk.img", 512, "label: gpt\nstart=2048\n"))
    sh("partx", "-d", disk.dev, check=False)
    # The partition node appears 1 s after the probe starts waiting.
    timer = threading.Timer(1.0, disk.register_partitions)
    timer.start()
    try:
        result = env.probe([disk], f"b2c.cache_device={disk.part(1)}", "--wait-ms", "8000")
    finally:
        timer.cancel()
    assert_cache(result, formatted=True)
    assert 800 <= int(result["elapsed_ms"])


# ---- (h) a damaged cache --------------------------------------------------

def test_damaged_cache_is_not_reformatted_without_reset(env, tmp_path):
    image = tmp_path / "disk.img"
    disk = env.attach(make_image(image, 512))
    marker = os.urandom(16).hex()
    assert_cache(env.probe([disk], "b2c.cache_device=auto", "--write", f"f={marker}"), formatted=True)
    node = disk.part(1)
    uuid = blkid(node)["UUID"]
    # Clear the root directory's inode and mark the file system not clean:
    # e2fsck -p then stops with "UNEXPECTED INCONSISTENCY" (exit code 4).
    sh("debugfs", "-w", "-R", "clri <2>", node)
    sh("debugfs", "-w", "-R", "ssv state 0", node)

    for _ in range(2):  # a second boot does not make it worse
        result = env.probe([disk], "b2c.cache_device=auto")
        assert result["rc"] == 1 and result["cache"] == "no", result["log"]
        assert "THE CACHE ON " + node + " IS DAMAGED" in result["reason"]
        assert "ERROR: " in result["log"]
        assert blkid(node)["UUID"] == uuid
        with open(image, "rb") as f:
            assert marker.encode() in f.read()
        assert len(dump(disk.dev)[1]) == 1  # no second cache partition either

    result = env.probe([disk], "b2c.cache_device=reset", "--read", "f")
    assert_cache(result, formatted=True)
    assert result["read.f"] == "<missing>"
    assert blkid(node)["UUID"] != uuid


# ---- (i) a file system directly on a disk ------------------------------------

def test_disk_with_a_file_system_and_no_table_is_never_touched(env, tmp_path):
    image = make_image(tmp_path / "fs.img", 1024)
    sh("mke2fs", "-q", "-t", "ext4", "-L", "data", image)
    disk = env.attach(image)
    before = sha256_of(image)
    result = env.probe([disk], "b2c.cache_device=auto")
    assert result["rc"] == 1 and result["cache"] == "no", result["log"]
    assert "holds a ext4 file system directly" in result["log"]
    assert sha256_of(image) == before


def test_disk_with_a_b2c_cache_file_system_and_no_table_is_used(env, tmp_path):
    image = make_image(tmp_path / "fs.img", 512)
    sh("mke2fs", "-q", "-t", "ext4", "-O", "encrypt", "-L", "B2C_CACHE", image)
    disk = env.attach(image)
    result = env.probe([disk], "b2c.cache_device=auto")
    assert_cache(result, formatted=False)
    assert result["source"] == disk.dev


# ---- FSNAME --------------------------------------------------------------------

def test_named_filesystem_is_mounted_as_the_cache(env, tmp_path):
    result = env.probe([], "b2c.filesystem=scratch,src=b2ctest,type=tmpfs,opts=size=64m "
                           "b2c.cache_device=scratch", "--write", "f=ram", "--read", "f")
    assert_cache(result, formatted=False)
    assert result["source"] == "b2ctest"
    assert result["read.f"] == "ram"


def test_list_reports_tables_partitions_and_labels(env, tmp_path):
    image = make_image(tmp_path / "disk.img", 512,
                       "label: gpt\nstart=2048, size=204800, name=first\nstart=206848\n")
    disk = env.attach(image)
    disk.register_partitions()
    sh("mke2fs", "-q", "-t", "ext4", "-L", "B2C_CACHE", disk.part(2))
    out = sh(env.build_dir / "tests/host/cache_probe", "--list", "--disk", disk.name).stdout
    assert f"disk={disk.name} node={disk.dev} size={512 * MiB} sector=512 bus=other table=gpt" in out
    assert f"partition=1 disk={disk.name} node={disk.part(1)} start={MiB} size={100 * MiB} name=first fstype= " in out
    assert f"partition=2 disk={disk.name} node={disk.part(2)} start={101 * MiB}" in out
    assert "fstype=ext4 label=B2C_CACHE" in out
