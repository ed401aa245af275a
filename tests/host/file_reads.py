"""Which files under a tree a program reads, seen by the kernel (inotify's
IN_ACCESS, sent for every read() and pread() of a file in a watched
directory), not by the program's own word."""
import ctypes
import os
import struct

IN_ACCESS = 0x1
IN_Q_OVERFLOW = 0x4000
IN_ISDIR = 0x40000000  # a directory listed, not a file read
IN_NONBLOCK = 0o4000
_libc = ctypes.CDLL(None, use_errno=True)
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len, then the name


class FileReads:
    """with FileReads(root) as reads: ...; reads.files() is the set of the
    relative paths read meanwhile (the directories must exist before)."""

    def __init__(self, root):
        self.root = str(root)
        self.fd = -1
        self.dirs = {}
        self.read = set()

    def __enter__(self):
        self.fd = _libc.inotify_init1(IN_NONBLOCK)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        for directory, _, _ in os.walk(self.root):
            wd = _libc.inotify_add_watch(self.fd, directory.encode(), IN_ACCESS)
            if wd < 0:
                raise OSError(ctypes.get_errno(), f"inotify_add_watch {directory}")
            self.dirs[wd] = os.path.relpath(directory, self.root)
        return self

    def _drain(self):
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return
            offset = 0
            while offset < len(data):
                wd, mask, _, length = _EVENT.unpack_from(data, offset)
                name = data[offset + _EVENT.size:offset + _EVENT.size + length].rstrip(b"\0").decode()
                offset += _EVENT.size + length
                if mask & IN_Q_OVERFLOW:
                    raise AssertionError("inotify's queue overflowed: reads were lost")
                if mask & IN_ACCESS and not mask & IN_ISDIR and name:
                    self.read.add(os.path.normpath(os.path.join(self.dirs[wd], name)))

    def __exit__(self, *exc):
        self._drain()
        os.close(self.fd)

    def files(self):
        return self.read
