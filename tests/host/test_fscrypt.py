"""storage/fscrypt against the kernel: an ext4 made with `-O encrypt` on a
loop device, driven by tests/host/fscrypt_probe. Needs root.

The probe adds the key, runs a command while the directory is unlocked,
then removes the key (RAII) as it exits, so each probe run is one unlock.
"""
import base64
import os
import subprocess

import pytest

from loopfs import LoopFs, sh

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="loop devices and mounts need root")

NAME = "plain-name-7f3a.txt"
CONTENT = "plain content 91c4e0 that must never reach the disk"


@pytest.fixture
def probe(build_dir):
    path = build_dir / "tests" / "host" / "fscrypt_probe"
    if not path.exists():
        pytest.fail(f"{path} is missing: build it, or point B2C_BUILD_DIR at the build directory")
    return path


@pytest.fixture
def ext4(tmp_path):
    fs = LoopFs(tmp_path)
    try:
        yield fs
    finally:
        fs.close()


def write_key(tmp_path, name):
    path = tmp_path / f"{name}.key"
    path.write_text(base64.b64encode(os.urandom(64)).decode())
    return path


def run(probe, *args):
    result = subprocess.run([str(probe), *args], capture_output=True, text=True, timeout=60)
    fields = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return result, fields


def unlock(probe, key, directory, *program, reset=False):
    args = ["unlock", "--key-file", str(key), str(directory)]
    if reset:
        args.insert(1, "--reset")
    if program:
        args += ["--", *program]
    return run(probe, *args)


def test_encrypted_directory_is_unreadable_without_its_key(probe, ext4, tmp_path):
    key = write_key(tmp_path, "a")
    vol = ext4.mountpoint / "vol"
    result, fields = unlock(probe, key, vol, "sh", "-c", f"echo '{CONTENT}' > {vol}/{NAME} && cat {vol}/{NAME}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert CONTENT in result.stdout
    assert len(fields["identifier"]) == 32
    assert key.read_text() not in result.stdout + result.stderr  # the key is never logged

    # The probe has exited: the key is gone from the keyring.
    names = os.listdir(vol)
    assert len(names) == 1 and names[0] != NAME
    with pytest.raises(OSError):
        (vol / names[0]).read_text()
    _, status = run(probe, "status", str(vol))
    assert status == {"state": "v2", "identifier": fields["identifier"]}

    # The same key again: names and content in plain.
    result, again = unlock(probe, key, vol, "cat", f"{vol}/{NAME}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert CONTENT in result.stdout
    assert again["identifier"] == fields["identifier"]


def test_another_key_is_refused_and_the_data_kept(probe, ext4, tmp_path):
    key_a, key_b = write_key(tmp_path, "a"), write_key(tmp_path, "b")
    vol = ext4.mountpoint / "vol"
    assert unlock(probe, key_a, vol, "sh", "-c", f"echo '{CONTENT}' > {vol}/{NAME}")[0].returncode == 0

    result, fields = unlock(probe, key_b, vol, "ls", str(vol))
    assert result.returncode == 1
    assert "is encrypted with another key" in fields["error"]
    assert str(vol) in fields["error"] and "fscrypt_reset_key" in fields["error"]
    assert key_b.read_text() not in result.stdout + result.stderr

    result, _ = unlock(probe, key_a, vol, "cat", f"{vol}/{NAME}")
    assert result.returncode == 0 and CONTENT in result.stdout


def test_reset_starts_afresh_with_the_new_key(probe, ext4, tmp_path):
    key_a, key_b = write_key(tmp_path, "a"), write_key(tmp_path, "b")
    vol = ext4.mountpoint / "vol"
    os.chmod(ext4.mountpoint, 0o755)
    assert unlock(probe, key_a, vol, "sh", "-c", f"mkdir {vol}/sub && echo x > {vol}/sub/{NAME}")[0].returncode == 0
    os.chmod(vol, 0o750)

    result, fields = unlock(probe, key_b, vol, "sh", "-c", f"ls -A {vol}; echo new > {vol}/b.txt", reset=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(fields["identifier"])  # `ls -A` printed nothing: wiped
    assert "wiped" in result.stderr
    assert os.stat(vol).st_mode & 0o777 == 0o750  # same mode as before

    result, _ = unlock(probe, key_b, vol, "cat", f"{vol}/b.txt")
    assert result.returncode == 0 and "new" in result.stdout
    result, fields = unlock(probe, key_a, vol)
    assert result.returncode == 1 and "another key" in fields["error"]


def test_unencrypted_files_are_never_encrypted_in_place(probe, ext4, tmp_path):
    key = write_key(tmp_path, "a")
    plain = ext4.mountpoint / "plain"
    plain.mkdir()
    (plain / "old.txt").write_text("old")

    result, fields = unlock(probe, key, plain)
    assert result.returncode == 1
    assert "holds unencrypted files" in fields["error"] and str(plain) in fields["error"]
    assert (plain / "old.txt").read_text() == "old"

    result, _ = unlock(probe, key, plain, "ls", "-A", str(plain), reset=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "old.txt" not in result.stdout
    assert run(probe, "status", str(plain))[1]["state"] == "v2"


def test_root_of_a_file_system_is_refused(probe, ext4, tmp_path):
    result, fields = unlock(probe, write_key(tmp_path, "a"), ext4.mountpoint)
    assert result.returncode == 1
    assert "mount point" in fields["error"] and "directory inside it" in fields["error"]


def test_ext4_without_the_encrypt_feature(probe, tmp_path):
    fs = LoopFs(tmp_path, mkfs=("mkfs.ext4", "-q", "-O", "^encrypt"))
    try:
        result, fields = unlock(probe, write_key(tmp_path, "a"), fs.mountpoint / "vol")
    finally:
        fs.close()
    assert result.returncode == 1
    assert "(ext4) has no encryption support" in fields["error"]
    assert "mkfs.ext4 -O encrypt" in fields["error"] and "tune2fs -O encrypt" in fields["error"]


def test_tmpfs_cannot_hold_encrypted_directories(probe, tmp_path):
    mnt = tmp_path / "tmpfs"
    mnt.mkdir()
    sh("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt))
    try:
        result, fields = unlock(probe, write_key(tmp_path, "a"), mnt / "vol")
        _, status = run(probe, "status", str(mnt))
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)
    assert result.returncode == 1
    assert "(tmpfs) cannot hold fscrypt directories" in fields["error"]
    assert status == {"state": "none"}


def test_plaintext_never_reaches_the_device(probe, ext4, tmp_path):
    vol = ext4.mountpoint / "vol"
    control = ext4.mountpoint / "control"
    control.mkdir()
    control_name = "control-name-5d2b.txt"
    control_content = "control content a8e1 written in plain"
    (control / control_name).write_text(control_content)
    result, _ = unlock(probe, write_key(tmp_path, "a"), vol, "sh", "-c",
                       f"echo '{CONTENT}' > {vol}/{NAME} && sync")
    assert result.returncode == 0, result.stdout + result.stderr
    ext4.unmount()
    raw = ext4.raw_bytes()
    # The control proves the search sees what the file system wrote.
    assert control_name.encode() in raw and control_content.encode() in raw
    assert NAME.encode() not in raw
    assert CONTENT.encode() not in raw


# ---- through pipeline/volumes: real mounts and ioctls, a stand-in podman ----

@pytest.fixture
def volume_probe(build_dir):
    path = build_dir / "tests" / "host" / "volume_probe"
    if not path.exists():
        pytest.fail(f"{path} is missing: build it, or point B2C_BUILD_DIR at the build directory")
    return path


def mounted(path):
    with open("/proc/mounts") as mounts:
        return any(line.split()[1] == str(path) for line in mounts)


def test_volume_on_an_encrypted_file_system(volume_probe, probe, ext4, tmp_path):
    ext4.unmount()  # the volume mounts the device itself
    store = tmp_path / "store"
    store.mkdir()
    key = base64.b64encode(os.urandom(64)).decode()
    other = base64.b64encode(os.urandom(64)).decode()
    fs = f"b2c.filesystem=fs-enc,type=ext4,src={ext4.device}"
    data = store / "vol-enc" / "_data"

    def volume_run(volume_options, *program):
        cmdline = f"{fs} b2c.volume=vol-enc,filesystem=fs-enc{volume_options}"
        argv = [str(volume_probe), "--store", str(store), "--cmdline", cmdline]
        if program:
            argv += ["--", *program]
        try:
            result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        finally:
            while mounted(data):  # never leave a mount behind, even if the probe failed
                subprocess.run(["umount", "--lazy", str(data)], capture_output=True)
        fields = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
        return result, fields

    result, _ = volume_run(f",fscrypt_key={key}", "sh", "-c", f"echo '{CONTENT}' > {data}/{NAME}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "still open" not in result.stderr  # the key went after the bind mount
    assert key not in result.stdout + result.stderr
    assert not mounted(data)

    # On the device: the data sits in b2c-fscrypt, locked again.
    check = tmp_path / "check"
    check.mkdir()
    sh("mount", ext4.device, str(check))
    try:
        names = os.listdir(check / "b2c-fscrypt")
        state = run(probe, "status", str(check / "b2c-fscrypt"))[1]["state"]
    finally:
        subprocess.run(["umount", str(check)], capture_output=True)
    assert len(names) == 1 and names[0] != NAME
    assert state == "v2"

    result, _ = volume_run(f",fscrypt_key={key}", "cat", f"{data}/{NAME}")
    assert result.returncode == 0 and CONTENT in result.stdout

    result, fields = volume_run(f",fscrypt_key={other}", "true")
    assert result.returncode == 1
    assert fields["error"].startswith("vol-enc: ") and "another key" in fields["error"]
    assert other not in result.stdout + result.stderr

    result, fields = volume_run("", "true")
    assert result.returncode == 1
    assert fields["error"].startswith("vol-enc: ") and "is encrypted with fscrypt" in fields["error"]


def test_volume_in_an_encrypted_store_expires(volume_probe, ext4, tmp_path):
    store = ext4.mountpoint / "volumes"
    store.mkdir()
    key = base64.b64encode(os.urandom(64)).decode()

    def volume_run(cmdline, *program):
        argv = [str(volume_probe), "--store", str(store), "--cmdline", cmdline, "--", *program]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        fields = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
        return result, fields

    result, _ = volume_run(f"b2c.volume=kept,fscrypt_key={key} "
                           f"b2c.volume=gone,fscrypt_key={key},expiration=pipeline_end",
                           "sh", "-c", f"echo x > {store}/kept/_data/{NAME}; echo y > {store}/gone/_data/{NAME}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(os.listdir(store)) == ["kept"]  # the expiring one is deleted at the end
    assert os.listdir(store / "kept" / "_data") != [NAME]  # locked again

    result, fields = volume_run("b2c.volume=kept", "true")
    assert result.returncode == 1
    assert fields["error"].startswith("kept: ") and "fscrypt_key" in fields["error"]
