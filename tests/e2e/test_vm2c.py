"""The vm2c trio: b2c-vm --image --workdir --command runs a command in a
container in a VM, in a host folder shared over 9p."""
import os

import pytest


@pytest.fixture
def workdir(tmp_path):
    path = tmp_path / "work"
    path.mkdir()
    return path


def test_command_writes_into_workdir(boot, registry, busybox_image, workdir):
    r = boot(extra=["--image", f"{registry.host}/{busybox_image}", "--workdir", str(workdir),
                    "--command", "echo written-by-guest > result.txt; exit 0"])
    result = workdir / "result.txt"
    assert r.code == 0, r.why("expected exit 0")
    assert result.is_file(), r.why(f"{result} was not written; folder has {os.listdir(workdir)}")
    assert result.read_text() == "written-by-guest\n", r.why(f"content: {result.read_text()!r}")


def test_command_exit_code(boot, registry, busybox_image, workdir):
    r = boot(extra=["--image", f"{registry.host}/{busybox_image}", "--workdir", str(workdir),
                    "--command", "exit 9"])
    assert r.code == 9, r.why("expected b2c-vm to exit with the command's code 9")
