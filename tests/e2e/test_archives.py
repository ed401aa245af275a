"""A farm's own archives concatenated with ours in the initrd, before and
after them (iPXE `initrd` lines, here b2c-vm --initrd-before/--initrd-after):
a firmware archive before ours, xz-compressed like boot2container's
`linux-*.firmware.cpio.xz`, with the job's files (/user/job.env, given to
podman --env-file); one after our core and modules archives, uncompressed,
made on a merged-/usr system (ci-tron's Raspberry Pi jobs): firmware under
lib/firmware and usr/lib/firmware, and a module of Debian's kernel that our
modules archive lacks, in usr/lib/modules/KVER with its own index.

The kernel's test_firmware module asks the kernel's firmware loader for a
file by name (written to its trigger_request) and gives what was loaded
(read from /dev/test_firmware): the container reads each file back through
it, so a line proves the loader found that archive's file."""
import lzma
import pathlib
import shutil
import subprocess

from test_netboot import kernel_and_modules_of
from test_pipeline import lines

# What the container runs: its lines are computed from the firmware the
# kernel loaded and from the environment podman read from /user/job.env.
CHECK_SCRIPT = """\
T=/sys/devices/virtual/misc/test_firmware
for f in before after usr-after; do
    echo -n b2c-test/$f.bin > $T/trigger_request && echo "firmware-$f-reads-$(cat /dev/test_firmware)"
done
echo -n b2c-test/nowhere.bin > $T/trigger_request 2>/dev/null || echo firmware-nowhere-refused
echo job-env-says-$JOB_WORD
"""


def cpio_newc(tree: pathlib.Path) -> bytes:
    """The cpio (newc) archive of `tree`, paths relative to it, as root."""
    names = sorted(str(p.relative_to(tree)) for p in tree.rglob("*"))
    return subprocess.run(["cpio", "--create", "--format=newc", "--owner=0:0", "--quiet"], cwd=tree,
                          input="\n".join(names).encode() + b"\n", capture_output=True, check=True).stdout


def write(path: pathlib.Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_archives_before_and_after_ours(boot, image, b2c_vm, initramfs, tmp_path):
    kernel, modules = kernel_and_modules_of(b2c_vm, initramfs)
    release = modules.name.removeprefix("modules-").split(".cpio")[0]
    test_firmware = pathlib.Path(f"/lib/modules/{release}/kernel/lib/test_firmware.ko")
    assert test_firmware.is_file(), f"{test_firmware}: Debian's kernel {release} ships it (CONFIG_TEST_FIRMWARE=m)"
    ours = subprocess.run(["sh", "-c", f"zstd -dc {modules} | cpio -t --quiet"], capture_output=True, text=True,
                          check=True).stdout.split()
    assert f"lib/modules/{release}/modules.dep.bin" in ours
    assert not [name for name in ours if "test_firmware" in name], "our modules archive should lack test_firmware"

    before = tmp_path / "before"
    write(before / "lib/firmware/b2c-test/before.bin", "fw-before-4711")
    write(before / "user/job.env", "JOB_WORD=from-the-job-env\n")
    write(before / "user/check.sh", CHECK_SCRIPT)
    before_archive = tmp_path / "before.cpio.xz"
    # The kernel's xz decoder knows CRC32 checks only.
    before_archive.write_bytes(lzma.compress(cpio_newc(before), check=lzma.CHECK_CRC32))

    after = tmp_path / "after"
    write(after / "lib/firmware/b2c-test/after.bin", "fw-after-0815")
    write(after / "usr/lib/firmware/b2c-test/usr-after.bin", "fw-usr-after-1234")
    moddir = after / f"lib/modules/{release}"
    (moddir / "kernel/lib").mkdir(parents=True)
    shutil.copy(test_firmware, moddir / "kernel/lib")
    subprocess.run(["depmod", "-b", str(after), release], check=True)
    (after / "usr/lib/modules").mkdir(parents=True)
    moddir.rename(after / f"usr/lib/modules/{release}")
    after_archive = tmp_path / "after.cpio"
    after_archive.write_bytes(cpio_newc(after))

    r = boot("b2c.insmods=test_firmware",
             f'b2c.run="--env-file /user/job.env -v /user:/user {image} sh /user/check.sh"',
             extra=("--initrd-before", str(before_archive), "--initrd-after", str(after_archive)))
    assert r.code == 0, r.why("expected status 0")
    assert lines(r.text, "job-env-says-from-the-job-env"), r.why("podman should read /user/job.env of the archive")
    assert lines(r.text, "firmware-before-reads-fw-before-4711"), \
        r.why("the firmware of the archive before ours should load")
    assert lines(r.text, "firmware-after-reads-fw-after-0815"), \
        r.why("the firmware of the archive after ours (lib/firmware) should load")
    assert lines(r.text, "firmware-usr-after-reads-fw-usr-after-1234"), \
        r.why("the firmware of the archive after ours (usr/lib/firmware) should load")
    assert lines(r.text, "firmware-nowhere-refused"), r.why("a firmware file no archive holds cannot load")
    modules_phase = r.after_section("modules")
    assert f"/lib/modules/{release} then " in modules_phase and f"/usr/lib/modules/{release}" in modules_phase, \
        r.why("the init should say it reads both modules folders")
    assert "module test_firmware" not in modules_phase, r.why("b2c.insmods=test_firmware should load")
