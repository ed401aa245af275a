"""Storage in QEMU with raw disk images: the cache device (auto, reset, a
disk, a partition, a missing node, a 9p file system), swap (a file, a
blank device, a device holding ext4 refused), volumes on the
cache, 9p volumes, encrypted volumes, expiring volumes, and an image bigger
than the guest's RAM."""
import hashlib
import json
import re
import subprocess
import time
import urllib.request

from conftest import BIG_MIB, STATUS_LINE, free_port, record_measurement
from test_pipeline import VM_FAILURES, lines

KEY_A = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQQ=="
KEY_B = "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQg=="


def raw_disk(tmp_path, name="disk.img", mib=2048):
    path = tmp_path / name
    subprocess.run(["truncate", "-s", f"{mib}M", str(path)], check=True)
    return path


def disks(*paths):
    args = []
    for path in paths:
        args += ["--disk", str(path)]
    return tuple(args)


def partition_table(path):
    out = subprocess.run(["sfdisk", "-J", str(path)], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    return json.loads(out.stdout)["partitiontable"]


def sha256_range(path, start, size):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        f.seek(start)
        left = size
        while left:
            chunk = f.read(min(left, 1 << 20))
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def disk_contains(path, needle: bytes):
    with open(path, "rb") as f:
        tail = b""
        while chunk := f.read(8 << 20):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False


def test_auto_on_a_blank_disk_then_a_second_boot_finds_the_cache(boot, image, registry, busybox_image,
                                                                 tmp_path):
    disk = raw_disk(tmp_path)
    repository = busybox_image.split(":")[0]
    before = len(registry.blob_downloads(repository))
    r1 = boot("b2c.cache_device=auto", "b2c.volume=vdata", "b2c.volume=vtmp,expiration=pipeline_end",
              f"b2c.run=\"-v vdata:/data -v vtmp:/tmp2 {image} sh -c 'echo persisted-42 > /data/file; "
              "echo gone-43 > /tmp2/file; echo wrote-$((40+4))'\"",
              extra=disks(disk))
    assert r1.code == 0, r1.why("boot 1 should end with status 0")
    assert lines(r1.text, "wrote-44"), r1.why()
    table = partition_table(disk)
    assert table and table["label"] == "gpt", f"expected a new GPT on the blank disk: {table}"
    assert len(table["partitions"]) == 1 and table["partitions"][0].get("name") == "B2C_CACHE", table
    # podman pulls with --pull=always: boot 1 fetched the config and layer
    # blobs; the registry's access log says which.
    after_boot1 = len(registry.blob_downloads(repository))
    assert after_boot1 > before, "boot 1 should have downloaded the image's blobs"

    r2 = boot("b2c.cache_device=auto", "b2c.volume=vdata", "b2c.volume=vtmp,expiration=pipeline_end",
              f"b2c.run=\"-v vdata:/data -v vtmp:/tmp2 {image} sh -c 'cat /data/file; "
              "cat /tmp2/file || echo tmp-empty-$((40+5))'\"",
              extra=disks(disk))
    assert r2.code == 0, r2.why("boot 2 should end with status 0")
    assert lines(r2.text, "persisted-42"), r2.why("the volume written in boot 1 should be there")
    assert lines(r2.text, "tmp-empty-45") and not lines(r2.text, "gone-43"), \
        r2.why("the expiration=pipeline_end volume should be gone")
    # Same partition, not formatted again, and the image is not pulled
    # again: boot 2 fetched the manifest and the small config blob
    # (containers/image always reads it), not one layer.
    assert partition_table(disk) == table
    layers = registry.layers(repository)
    fetched_again = [d for d in registry.blob_downloads(repository)[after_boot1:] if d in layers]
    assert layers and not fetched_again, r2.why(f"boot 2 downloaded layers again: {fetched_again}")
    assert not re.search(r"mkfs|[Ff]ormatting", r2.text), r2.why("boot 2 must not format")


def test_auto_keeps_an_existing_partition_and_swap(boot, image, tmp_path):
    disk = raw_disk(tmp_path)
    # A GPT with one 300 MiB data partition full of random bytes, then free space.
    subprocess.run(["sfdisk", "--quiet", str(disk)], input="label: gpt\nstart=2048, size=300MiB, type=linux\n",
                   text=True, check=True)
    before = partition_table(disk)
    part = before["partitions"][0]
    with open(disk, "r+b") as f:
        f.seek(part["start"] * 512)
        for _ in range(300):
            f.write(__import__("os").urandom(1 << 20))
    digest = sha256_range(disk, part["start"] * 512, part["size"] * 512)

    r = boot("b2c.cache_device=auto", "b2c.swap=256M,swappiness=133",
             f"b2c.run=\"{image} sh -c 'cat /proc/swaps; echo swappiness-is-$(cat /proc/sys/vm/swappiness)'\"",
             extra=disks(disk))
    assert r.code == 0, r.why("expected status 0")
    after = partition_table(disk)
    assert after["partitions"][0] == part, f"the data partition moved: {after}"
    assert sha256_range(disk, part["start"] * 512, part["size"] * 512) == digest, "the data partition changed"
    assert len(after["partitions"]) == 2 and after["partitions"][1].get("name") == "B2C_CACHE", after
    assert after["partitions"][1]["start"] >= part["start"] + part["size"]
    swaps = [l for l in r.text.splitlines() if l.startswith("/")]
    assert swaps and int(swaps[0].split()[2]) >= 256 * 1024 - 8, r.why("expected a 256 MiB swap in /proc/swaps")
    name, kind = swaps[0].split()[:2]
    assert name.endswith("/swapfile") and kind == "file", r.why("expected the swap file in /proc/swaps")
    # 133, not the kernel's default 60 (and above the 100 of kernels before 5.8).
    assert lines(r.text, "swappiness-is-133"), r.why("b2c.swap=...,swappiness=133 should reach the kernel")


def test_swap_on_a_blank_device_without_a_cache(boot, image, tmp_path):
    disk = raw_disk(tmp_path, "swap.img", mib=96)
    r = boot("b2c.cache_device=none", "b2c.swap=/dev/vda,swappiness=10",
             f"b2c.run=\"{image} sh -c 'cat /proc/swaps; echo swappiness-is-$(cat /proc/sys/vm/swappiness)'\"",
             extra=disks(disk))
    assert r.code == 0, r.why("expected status 0")
    swaps = [l.split() for l in r.text.splitlines() if l.startswith("/dev/vda ")]
    assert swaps and swaps[0][1] == "partition" and int(swaps[0][2]) >= 96 * 1024 - 8, \
        r.why("expected /dev/vda, all 96 MiB of it, in /proc/swaps")
    assert lines(r.text, "swappiness-is-10"), r.why("b2c.swap=...,swappiness=10 should reach the kernel")
    blkid = subprocess.run(["blkid", "-p", "-o", "export", str(disk)], capture_output=True, text=True).stdout
    assert "TYPE=swap" in blkid.splitlines(), f"the blank disk should now be a swap area: {blkid}"


def test_device_forms_reset_and_a_missing_node(boot, image, tmp_path):
    disk = raw_disk(tmp_path, mib=1024)
    write = f"b2c.run=\"-v v:/v {image} sh -c 'echo kept-$((7*6)) > /v/f; echo wrote'\""
    read = f"b2c.run=\"-v v:/v {image} sh -c 'cat /v/f || echo empty-$((7*7))'\""
    r = boot("b2c.cache_device=/dev/vda", "b2c.volume=v", write, extra=disks(disk))
    assert r.code == 0 and lines(r.text, "wrote"), r.why("the whole disk /dev/vda as cache")
    assert partition_table(disk)["partitions"][0].get("name") == "B2C_CACHE"

    r = boot("b2c.cache_device=/dev/vda1", "b2c.volume=v", read, extra=disks(disk))
    assert r.code == 0 and lines(r.text, "kept-42"), r.why("the partition /dev/vda1 as cache")

    # A disk holding ext4 given to swap in the same boot: refused, untouched.
    data = tmp_path / "data.img"
    subprocess.run(["truncate", "-s", "64M", str(data)], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "keepme", str(data)], check=True)
    digest = sha256_range(data, 0, 64 << 20)
    r = boot("b2c.cache_device=reset", "b2c.volume=v", "b2c.swap=/dev/vdb", read, extra=disks(disk, data))
    assert r.code == 0 and lines(r.text, "empty-49"), r.why("reset should empty the cache")
    assert re.search(r"ERROR: .*b2c\.swap: /dev/vdb holds an ext4 file system; refusing to make it a swap area "
                     r"\(wipe it with wipefs -a /dev/vdb first", r.text), r.why("expected the refusal of /dev/vdb")
    assert sha256_range(data, 0, 64 << 20) == digest, "the ext4 disk given to b2c.swap changed"
    fsck = subprocess.run(["e2fsck", "-fn", str(data)], capture_output=True, text=True)
    assert fsck.returncode == 0, f"the ext4 disk given to b2c.swap is damaged: {fsck.stdout}{fsck.stderr}"

    r = boot("b2c.cache_device=/dev/vdz", "b2c.volume=v", read, extra=disks(disk))
    assert r.code == 0, r.why("a missing cache device is not fatal")
    assert re.search(r"WARNING: .*/dev/vdz", r.text), r.why("expected a warning naming /dev/vdz")
    assert lines(r.text, "empty-49"), r.why("without the cache the volume is new")


def test_cache_on_a_9p_file_system(boot, image, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    virtfs = ("--qemu", "-virtfs", "--qemu", f"local,path={share},mount_tag=cachefs,security_model=none")
    opts = ("b2c.filesystem=cachefs,type=9p,src=cachefs", "b2c.cache_device=cachefs", "b2c.volume=v")
    r = boot(*opts, f"b2c.run=\"-v v:/v {image} sh -c 'echo on-9p-$((8*8)) > /v/f'\"", extra=virtfs)
    assert r.code == 0, r.why("expected status 0 with a cache on 9p")
    assert any(share.iterdir()), "the cache should have written into the share"
    r = boot(*opts, f"b2c.run=\"-v v:/v {image} sh -c 'cat /v/f'\"", extra=virtfs)
    assert r.code == 0 and lines(r.text, "on-9p-64"), r.why("the volume should persist on the 9p cache")


def test_web_server_on_a_9p_volume_with_a_persistent_log(boot, image, tmp_path):
    """The paper's QEMU example: files written by the host are served by a
    container; its log volume (on the cache) survives the reboot."""
    www = tmp_path / "www"
    www.mkdir()
    (www / "index.html").write_text("hello from the host 4711\n")
    disk = raw_disk(tmp_path, mib=1024)
    port = free_port()
    opts = ("b2c.hostname=web", "b2c.cache_device=auto", "b2c.filesystem=fs-www,type=9p,src=www",
            "b2c.volume=vol-www,filesystem=fs-www", "b2c.volume=vol-log")
    extra = disks(disk) + ("--user-net", f"hostfwd=tcp:127.0.0.1:{port}-:80",
                           "--qemu", "-virtfs", "--qemu", f"local,path={www},mount_tag=www,security_model=none")
    import threading
    fetched = {}

    def fetch():
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=3) as answer:
                    fetched["body"] = answer.read().decode()
                    break
            except OSError:
                time.sleep(1)
        (www / "stop").write_text("")

    thread = threading.Thread(target=fetch, daemon=True)
    thread.start()
    r = boot(*opts, "b2c.run=\"-v vol-log:/var/log -v vol-www:/www "
             f"{image} sh -c 'httpd -f -vv -p 80 -h /www 2>> /var/log/httpd.log & "
             "while [ ! -e /www/stop ]; do sleep 1; done; kill %1; echo served'\"",
             timeout=300, extra=extra)
    thread.join(5)
    assert fetched.get("body") == "hello from the host 4711\n", r.why(f"the host should fetch the page: {fetched}")
    assert r.code == 0, r.why("expected status 0")
    (www / "stop").unlink()
    r = boot(*opts, f"b2c.run=\"-v vol-log:/var/log {image} cat /var/log/httpd.log\"", extra=extra)
    assert r.code == 0 and "url:/index.html" in r.text, r.why("the log volume should keep boot 1's request")


def test_encrypted_volume(boot, image, tmp_path):
    disk = raw_disk(tmp_path, mib=1024)
    # Computed in the guest: the command line itself is kept in podman's
    # database on the same disk, so literal strings would be found there.
    name, content = b"name-6007", b"content-9001"
    post = f"b2c.run_post=\"{image} sh -c 'echo post-ran-$((5*5))'\""
    r = boot("b2c.cache_device=auto", f"b2c.volume=venc,fscrypt_key={KEY_A}",
             f"b2c.run=\"-v venc:/enc {image} sh -c 'echo content-$((9000+1)) > /enc/name-$((6000+7)); sync'\"",
             extra=disks(disk))
    assert r.code == 0, r.why("expected status 0")
    assert KEY_A not in r.text, r.why("the key must not be printed")
    assert not disk_contains(disk, name), "the file name is in the clear on the disk"
    assert not disk_contains(disk, content), "the file content is in the clear on the disk"

    r = boot("b2c.cache_device=auto", f"b2c.volume=venc,fscrypt_key={KEY_A}",
             f"b2c.run=\"-v venc:/enc {image} sh -c 'cat /enc/name-$((6000+7))'\"", extra=disks(disk))
    assert r.code == 0 and lines(r.text, content.decode()), r.why("the right key reads the data")

    r = boot("b2c.cache_device=auto", f"b2c.volume=venc,fscrypt_key={KEY_B}",
             f"b2c.run=\"-v venc:/enc {image} ls /enc\"", post, extra=disks(disk))
    assert r.code not in VM_FAILURES and r.code != 0, r.why("a wrong key must fail the pipeline")
    assert re.search(r"venc: .*encrypted with another key", r.text), r.why("the error should name the volume")
    assert lines(r.text, "post-ran-25"), r.why("post containers still run")
    assert KEY_B not in r.text

    r = boot("b2c.cache_device=auto", f"b2c.volume=venc,fscrypt_key={KEY_B},fscrypt_reset_key",
             f"b2c.run=\"-v venc:/enc {image} sh -c 'ls /enc | wc -l; echo afresh-$((9*9))'\"", extra=disks(disk))
    assert r.code == 0 and lines(r.text, "afresh-81"), r.why("fscrypt_reset_key should start afresh")
    assert lines(r.text, r"\s*0"), r.why("the reset volume should be empty")


def test_a_cache_disk_too_small_for_the_image_is_named_with_its_remedy(boot, big_image, tmp_path):
    """A cache that fills up during a pull: the error says so, names the
    disk's remedies (not 'give the machine a cache': it has one), and the
    session ends cleanly."""
    disk = raw_disk(tmp_path, mib=400)
    r = boot("b2c.cache_device=auto", f"b2c.run=\"{big_image} sh -c 'echo big-ran-$((11*11))'\"",
             extra=disks(disk), timeout=400)
    assert r.code not in VM_FAILURES and r.code != 0, r.why("a 600 MiB image cannot fit on a 400 MiB cache")
    assert not lines(r.text, "big-ran-121"), r.why()
    assert re.search(r"no space left on device", r.text, re.IGNORECASE), r.why("expected the reason")
    assert "the cache disk is full" in r.text and "a bigger disk" in r.text, r.why("expected the cache's remedy")
    assert "images live in RAM" not in r.text, r.why("the machine has a cache: the RAM hint is wrong here")
    assert r.executor_status() == 125 and r.executor_saw_session_end(), r.why()


def test_image_bigger_than_ram(boot, big_image, registry, tmp_path):
    run = f"b2c.run=\"{big_image} sh -c 'ls -l /big.bin; echo big-ran-$((11*11))'\""
    r = boot(run, extra=("--memory", "512"), timeout=400)
    assert r.code not in VM_FAILURES and r.code != 0, r.why("without a cache the image cannot fit in RAM")
    assert re.search(r"no space left on device", r.text, re.IGNORECASE), r.why("expected the reason")
    assert "b2c.cache_device" in r.text, r.why("expected a hint to use a cache")

    disk = raw_disk(tmp_path, mib=3072)
    r1 = boot("b2c.cache_device=auto", run, extra=("--memory", "512") + disks(disk), timeout=600)
    assert r1.code == 0 and lines(r1.text, "big-ran-121"), r1.why("with a cache the big image runs")
    downloads = len(registry.blob_downloads("big"))
    layers = registry.layers("big")
    r2 = boot("b2c.cache_device=auto", run, extra=("--memory", "512") + disks(disk), timeout=600)
    assert r2.code == 0 and lines(r2.text, "big-ran-121"), r2.why("and again from the cache")
    again = [d for d in registry.blob_downloads("big")[downloads:] if d in layers]
    assert layers and not again, r2.why(f"boot 2 should not download a layer again: {again}")
    t1, t2 = r1.uptime_of(STATUS_LINE), r2.uptime_of(STATUS_LINE)
    record_measurement(f"{BIG_MIB} MiB image, 512 MiB guest, cache on a virtio disk: pipeline done at "
                       f"{t1:.1f} s uptime on the first boot, {t2:.1f} s on the second (cached): "
                       f"{t1 - t2:.1f} s saved")
