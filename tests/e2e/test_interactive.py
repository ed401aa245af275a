"""`b2c.run="-ti ... sh"`: an interactive shell on the serial console,
driven through a pty (python's pty module; no pexpect needed)."""
import os
import pty
import re
import select
import signal
import subprocess
import termios
import time

from conftest import STATUS_LINE, clean_console, log_path_for, vm_argv


class PtyVm:
    def __init__(self, argv, log):
        self.master, slave = pty.openpty()
        # The console's bytes as the guest sent them, as a farm's serial
        # line gives them: no \r added before each \n by the pty (QEMU
        # keeps the output processing it finds).
        attrs = termios.tcgetattr(slave)
        attrs[1] &= ~termios.ONLCR
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        self.log = open(log, "wb")
        self.log.write(("$ " + subprocess.list2cmdline(argv) + "\n").encode())
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                     start_new_session=True)
        os.close(slave)
        self.raw = b""
        self.eof = False

    @property
    def text(self):
        return clean_console(self.raw)

    def _read(self, timeout):
        if self.eof:
            time.sleep(min(timeout, 0.1))
            return
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the other side is closed
            data = b""
        if not data:
            self.eof = True
            return
        self.raw += data
        self.log.write(data)
        self.log.flush()

    def expect(self, pattern, timeout, start=0):
        """Waits until the cleaned text after offset `start` matches; returns
        the match (or None on timeout / EOF)."""
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.text[start:], re.MULTILINE)
            if m:
                return m
            if self.eof or time.monotonic() > deadline:
                return None
            self._read(min(1.0, max(0.0, deadline - time.monotonic())))

    def send(self, data: str):
        # Slowly: the guest's 16550 UART has a small FIFO under TCG.
        for ch in data.encode():
            os.write(self.master, bytes([ch]))
            time.sleep(0.02)

    def wait(self, timeout):
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.5)
        while not self.eof and time.monotonic() < deadline:
            self._read(0.2)
        return self.proc.poll()

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.close(self.master)
        self.log.close()


def test_interactive_shell_on_serial_console(request, b2c_vm, initramfs, image):
    log = log_path_for(request)
    vm = PtyVm(vm_argv(b2c_vm, initramfs, [f'b2c.run="-ti {image} sh"'], timeout=240), log)

    def why(what):
        return (f"{what}\nconsole log: {log}\n--- last lines ---\n"
                + "\n".join(vm.text.splitlines()[-40:]))

    try:
        started = vm.expect(r"starting container", 150)
        assert started, why("the container was not started")
        prompt = vm.expect(r"# ?$", 90, start=started.end())
        assert prompt, why("no shell prompt on the console")
        time.sleep(1)
        mark = len(vm.text)
        vm.send("echo $((6*7))-ok\r")
        assert vm.expect(r"^42-ok$", 60, start=mark), why("the shell did not answer 42-ok")
        mark = len(vm.text)
        vm.send("exit 4\r")
        code = vm.wait(120)
        assert code == 4, why(f"expected b2c-vm to exit 4, got {code}")
        assert f"{STATUS_LINE} 4" in vm.text[mark:], why("no status line")
    finally:
        vm.close()
