"""arm64: the arm64 initramfs booted by b2c-vm --arch arm64 (qemu-system-aarch64
-machine virt -cpu max under TCG) with Debian's arm64 kernel, the default one
next to it. Each layer once on this architecture: the pipeline (output, exit
code, pipefail), DHCP, a multi-arch image's arm64 variant, the cache on a
blank disk then a second boot, an fscrypt volume, the vm2c trio with its 9p
work dir. Three boots in all: the first two are shared by the tests of
what they show (module-scoped), each test asserting one feature.
"""
import leaks
import pytest

from conftest import STATUS_LINE, WORK, GuestHung, RunningBoot, hang_summary, record_measurement, vm_argv
from test_pipeline import lines
from test_storage import KEY_A, disk_contains, disks, partition_table, raw_disk

ARCH = ("--arch", "arm64")


def boot_arm64(b2c_vm, core, name, append=(), extra=(), timeout=300):
    """One arm64 boot, with the default kernel b2c-vm finds next to `core`;
    once more if the guest hangs under TCG (see conftest's GUEST_HANG: a
    boot a module's tests share cannot be run again by the harness)."""
    argv = vm_argv(b2c_vm, core, append, timeout, (*ARCH, *extra))
    # A module's fixture starts before the test's own secret watch: this
    # boot's console is searched for this boot's secrets here.
    watch = leaks.SecretWatch()
    watch.learn(argv)
    for attempt in (1, 2):
        log = WORK / f"arm64_{name}{'' if attempt == 1 else '-2'}.log"
        try:
            running = RunningBoot(argv, log, timeout)
            running.watch = watch
            result = running.wait()
        except GuestHung as hung:
            if attempt == 2:
                raise
            record_measurement(f"guest soft lockup under TCG (console {log.name}), arm64 boot {name} run again; "
                               f"{hang_summary(hung.result.raw)}")
            continue
        record_measurement(f"arm64 boot {name}: {result.seconds:.1f} s, the status line at "
                           f"{result.uptime_of(STATUS_LINE)} s of guest uptime")
        return result


@pytest.fixture(scope="module")
def cache_disk(tmp_path_factory):
    return raw_disk(tmp_path_factory.mktemp("arm64"), mib=1024)


def cache_options(secret_key=KEY_A):
    return ("b2c.cache_device=auto", "b2c.volume=vdata", f"b2c.volume=vsecret,fscrypt_key={secret_key}")


@pytest.fixture(scope="module")
def first_boot(b2c_vm, arm64_files, multiarch_image, registry, cache_disk):
    """A blank disk, a pipeline of three runs and a post, with pipefail."""
    core, _ = arm64_files
    image = multiarch_image
    before = len(registry.blob_downloads("multiarch"))
    r = boot_arm64(
        b2c_vm, core, "first",
        (*cache_options(), "b2c.pipefail",
         # What the shell computes, not what the init logs (test_pipeline.py).
         f"b2c.run=\"-v vdata:/data -v vsecret:/secret {image} sh -c 'echo arch-$(uname -m); "
         "echo kept-$((40+2)) > /data/file; echo secret-$((9000+7)) > /secret/file-$((600+7)); sync; "
         "echo run1-$((20+1))'\"",
         f"b2c.run=\"{image} sh -c 'echo run2-$((20+2)); exit 5'\"",
         f"b2c.run=\"{image} sh -c 'echo run3-ran-$((1+2))'\"",
         f"b2c.run_post=\"{image} sh -c 'echo post-$((20+3)); env | grep B2C_PIPELINE_STATUS'\""),
        extra=disks(cache_disk))
    r.blobs_before = before
    r.blobs_after = len(registry.blob_downloads("multiarch"))
    r.table = partition_table(cache_disk)
    # Before boot 2 prints the file: its console output is logged on the disk.
    r.clear_on_disk = [text for text in (b"file-607", b"secret-9007") if disk_contains(cache_disk, text)]
    return r


@pytest.fixture(scope="module")
def second_boot(b2c_vm, arm64_files, multiarch_image, cache_disk, first_boot):
    core, _ = arm64_files
    return boot_arm64(
        b2c_vm, core, "second",
        (*cache_options(),
         f"b2c.run=\"-v vdata:/data -v vsecret:/secret {multiarch_image} sh -c 'cat /data/file; "
         "cat /secret/file-$((600+7))'\""),
        extra=disks(cache_disk))


def test_arm64_pipeline_output_and_exit_code(first_boot):
    r = first_boot
    assert lines(r.text, "run1-21") and lines(r.text, "run2-22"), r.why("the runs' output is not on the console")
    assert r.code == 5, r.why("expected b2c-vm to exit with the failed run's code 5")
    assert r.executor_status() == 5, r.why("a farm executor must read status 5")
    assert r.executor_saw_session_end(), r.why("the session's end line")


def test_arm64_pipefail_skips_the_next_run_but_not_the_post(first_boot):
    r = first_boot
    assert not lines(r.text, "run3-ran-3"), r.why("b2c.pipefail: the third run must not run")
    assert lines(r.text, "post-23") and lines(r.text, "B2C_PIPELINE_STATUS=5"), r.why("the post runs, status 5")


def test_arm64_dhcp(first_boot):
    r = first_boot
    assert "DHCP: eth0 leased 10.0.2.15/24 from 10.0.2.2" in r.text, r.why("no DHCP lease")
    assert "default route via 10.0.2.2 on eth0" in r.text, r.why("no default route from the lease")


def test_arm64_runs_the_arm64_variant_of_a_multiarch_image(first_boot):
    # An amd64 busybox could not run here (no binfmt in the guest).
    r = first_boot
    assert lines(r.text, "arch-aarch64"), r.why("the arm64 busybox of the manifest list should have run")
    assert "Architecture: aarch64" in r.text and "CPU: implementer 0x00 part 0x051" in r.text, \
        r.why("the runtime summary names QEMU's arm64 CPU (-cpu max)")


def test_arm64_cache_on_a_blank_disk_then_a_second_boot(first_boot, second_boot, registry):
    assert first_boot.table and first_boot.table["label"] == "gpt", f"no GPT on the blank disk: {first_boot.table}"
    assert [p.get("name") for p in first_boot.table["partitions"]] == ["B2C_CACHE"], first_boot.table
    assert first_boot.blobs_after > first_boot.blobs_before, "boot 1 should have pulled the image"
    r = second_boot
    assert r.code == 0, r.why("boot 2 should end with status 0")
    assert lines(r.text, "kept-42"), r.why("the volume written in boot 1 should be there")
    layers = registry.layers("multiarch", arch="arm64")
    again = [d for d in registry.blob_downloads("multiarch")[first_boot.blobs_after:] if d in layers]
    assert layers and not again, r.why(f"boot 2 downloaded arm64 layers again: {again}")
    assert "mkfs" not in r.text and "ormatting" not in r.text, r.why("boot 2 must not format")


def test_arm64_fscrypt_volume(first_boot, second_boot):
    assert not first_boot.clear_on_disk, f"in the clear on the disk after boot 1: {first_boot.clear_on_disk}"
    assert lines(second_boot.text, "secret-9007"), second_boot.why("the key should read boot 1's file")


def test_arm64_vm2c_trio_in_a_9p_work_dir(b2c_vm, arm64_files, registry, multiarch_image, tmp_path):
    core, _ = arm64_files
    workdir = tmp_path / "work"
    workdir.mkdir()
    r = boot_arm64(b2c_vm, core, "trio",
                   extra=("--image", f"{registry.host}/multiarch:latest", "--workdir", str(workdir),
                          "--command", "uname -m > arch.txt; exit 9"))
    assert r.code == 9, r.why("expected b2c-vm to exit with the command's code 9")
    result = workdir / "arch.txt"
    assert result.is_file() and result.read_text() == "aarch64\n", r.why(f"{result} not written by the guest")
