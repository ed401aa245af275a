"""A file system on a loop device, for the storage host tests (root).

`LoopFs` makes an image file, attaches it with losetup, formats it and
mounts it; `close()` unmounts and detaches, also after a failed test. Only
image files of the test's own temp dir are ever touched.
"""
import subprocess


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


class LoopFs:
    def __init__(self, directory, size_mib=64, mkfs=("mkfs.ext4", "-q", "-O", "encrypt")):
        self.image = directory / "disk.img"
        self.mountpoint = directory / "mnt"
        self.device = None
        self.mounted = False
        with open(self.image, "wb") as image:
            image.truncate(size_mib << 20)
        try:
            self.device = sh("losetup", "--find", "--show", str(self.image)).stdout.strip()
            sh(*mkfs, self.device)
            self.mountpoint.mkdir()
            sh("mount", self.device, str(self.mountpoint))
            self.mounted = True
        except BaseException:
            self.close()
            raise

    def unmount(self):
        if self.mounted:
            if subprocess.run(["umount", str(self.mountpoint)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "--lazy", str(self.mountpoint)], capture_output=True)
            self.mounted = False

    def close(self):
        self.unmount()
        if self.device:
            subprocess.run(["losetup", "--detach", self.device], capture_output=True)
            self.device = None

    def raw_bytes(self):
        """The image's bytes, everything flushed: call after unmount()."""
        return self.image.read_bytes()
