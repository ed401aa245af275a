"""Machine control: b2c.insmods, b2c.poweroff_delay, b2c.shutdown_cmd, and
the network failure that must end in a clean power off."""
import re

from conftest import POWER_OFF_LINE, STATUS_LINE, free_port
from test_pipeline import assert_ended_before_pipeline, lines


def test_insmods_delay_and_shutdown_cmd(boot, image):
    # wireguard is a module no QEMU device asks for: only b2c.insmods loads it.
    r = boot("b2c.insmods=wireguard.ko", "b2c.poweroff_delay=2",
             'b2c.shutdown_cmd="/usr/bin/conmon --version"',
             f"b2c.run=\"{image} sh -c 'grep -c ^wireguard /proc/modules; echo lsmod-$((1+1))'\"")
    assert r.code == 0, r.why("expected status 0")
    assert lines(r.text, "lsmod-2"), r.why("the container should have run")
    assert lines(r.text, "1"), r.why("wireguard should be in /proc/modules")
    end = r.after(f"{STATUS_LINE} 0")
    delay = [l for l in end.splitlines() if "powering off in 2 s" in l]
    assert delay, r.why("expected the b2c.poweroff_delay message")
    stamps = [float(m.group(1)) for l in end.splitlines()
              if (m := re.match(r"\[\s*([0-9.]+)\]", l))]
    assert stamps and stamps[-1] - stamps[0] >= 2.0, r.why("the delay should last 2 s")
    assert "conmon version" in end, r.why("b2c.shutdown_cmd should have run")
    assert POWER_OFF_LINE in end, r.why("expected PID 1 to power off after the command")


def test_no_dhcp_lease_powers_off_without_running(boot, image):
    # eth1 is a NIC whose other end nobody listens to: no DHCP server.
    r = boot("b2c.iface=eth1,dhcp", f"b2c.run=\"{image} sh -c 'echo ran-$((2+2))'\"",
             extra=("--qemu", "-nic", "--qemu",
                    f"socket,listen=127.0.0.1:{free_port()},model=virtio-net-pci"))
    assert re.search(r"eth1", r.after_section("network")), r.why("the error should name eth1")
    assert "no network" in r.text, r.why("expected the reason for not running the pipeline")
    assert not lines(r.text, "ran-4"), r.why("the pipeline must not run without network")
    assert_ended_before_pipeline(r)


def test_core_initramfs_alone_says_it_has_no_modules(boot, image):
    # The core initramfs without the modules archive, on Debian's kernel whose
    # drivers are modules: a user who forgot the second initrd is told which
    # archive to add, and the boot ends cleanly (no NIC driver, no network).
    r = boot(f"b2c.run=\"{image} sh -c 'echo ran-$((2+2))'\"", extra=("--modules", "none"))
    release = re.search(r"Linux version: (\S+)", r.text)
    assert release, r.why("expected the runtime summary's kernel release")
    assert f"no kernel modules for Linux {release[1]} in the initramfs" in r.text, r.why()
    assert f"modules-{release[1]}.cpio.zst" in r.text, r.why("the hint should name the archive to add")
    assert "no network" in r.text, r.why("without its NIC driver the machine has no network")
    assert not lines(r.text, "ran-4"), r.why()
    assert_ended_before_pipeline(r)


def test_kernel_with_drivers_built_in_runs_the_core_initramfs_alone(boot, image, builtin_kernel):
    # The layout of the HID selftests and most farms: their own kernel, its
    # drivers built in, and the core initramfs without any modules archive.
    r = boot(f"b2c.run=\"{image} sh -c 'echo ran-$((2+2))'\"",
             extra=("--kernel", str(builtin_kernel), "--modules", "none"))
    assert r.code == 0, r.why("expected status 0")
    assert lines(r.text, "ran-4"), r.why("the container should have run")
    assert "built without module support" in r.text, r.why("expected the notice that no modules are needed")
    assert "no kernel modules for" not in r.text, r.why("no hint to add an archive this kernel cannot load")
    assert "WARNING" not in r.text, r.why("nothing to warn about in this layout")
