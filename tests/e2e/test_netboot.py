"""The bare-metal path of the paper: a diskless machine netboots with iPXE
(QEMU's PXE ROM, a TFTP boot file from QEMU's user network), iPXE loads our
kernel, the core initramfs and the kernel's modules archive over HTTP from
the host (two `initrd` lines, as an iPXE script on a farm does) with the b2c
options on its `kernel` line, and the pipeline runs. No -kernel, no -initrd."""
import functools
import http.server
import pathlib
import re
import shlex
import subprocess
import threading

import leaks
from conftest import clean_console, log_path_for


def kernel_and_modules_of(b2c_vm, initramfs):
    """The kernel b2c-vm would boot and the modules archive it would add."""
    out = subprocess.run([str(b2c_vm), "--dry-run", "--initramfs", str(initramfs)],
                         capture_output=True, text=True, check=True).stdout
    words = shlex.split(out.strip().splitlines()[-1])
    modules = next(pathlib.Path(w) for w in words if pathlib.Path(w).name.startswith("modules-"))
    return pathlib.Path(words[words.index("-kernel") + 1]), modules


def test_ipxe_netboot_over_http(request, tmp_path, b2c_vm, initramfs, image):
    www = tmp_path / "www"
    www.mkdir()
    kernel, modules = kernel_and_modules_of(b2c_vm, initramfs)
    (www / "vmlinuz").symlink_to(kernel)
    (www / initramfs.name).symlink_to(initramfs)
    (www / modules.name).symlink_to(modules)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://10.0.2.2:{httpd.server_address[1]}"

    tftp = tmp_path / "tftp"
    tftp.mkdir()
    (tftp / "boot.ipxe").write_text(
        "#!ipxe\n"
        "echo b2c: netbooting over HTTP\n"
        f"kernel {base}/vmlinuz console=ttyS0 loglevel=4 panic=-1 b2c.hostname=netbooted "
        f"b2c.run=\"{image} sh -c 'echo netbooted-$((6*7)) on $(hostname)'\"\n"
        f"initrd {base}/{initramfs.name}\n"
        f"initrd {base}/{modules.name}\n"
        "boot\n")

    log = log_path_for(request)
    argv = ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-cpu", "max", "-m", "1024",
            "-nographic", "-no-reboot", "-serial", "mon:stdio", "-boot", "n",
            "-nic", f"user,model=virtio-net-pci,tftp={tftp},bootfile=boot.ipxe"]
    try:
        with open(log, "wb") as out:
            out.write(("$ " + subprocess.list2cmdline(argv) + "\n").encode())
            out.flush()
            proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                  timeout=400)
    finally:
        httpd.shutdown()
        httpd.server_close()
    header = len(("$ " + subprocess.list2cmdline(argv) + "\n").encode())
    leaks.current.check(log.read_bytes()[header:], f"the console {log}")
    text = clean_console(log.read_bytes())
    why = f"console log: {log}\n" + "\n".join(text.splitlines()[-40:])
    assert "iPXE" in text, why
    assert "b2c: netbooting over HTTP" in text, "iPXE should have run our TFTP script\n" + why
    assert re.search(r"^netbooted-42 on netbooted$", text, re.MULTILINE), why
    assert re.search(r"Execution is over, pipeline status: 0", text), why
    assert proc.returncode == 0, why
