"""Checks of the test harness itself (no VM): when these fail, the e2e
failures that follow are the harness's, not the product's."""
import base64
import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest

import leaks
from conftest import REG_PASSWORD, REG_USER, GuestHung, RunningBoot, hang_summary

MANIFEST_TYPES = ", ".join([
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
])


def get_manifest(host, auth=None):
    req = urllib.request.Request(f"http://{host}/v2/busybox/manifests/latest",
                                 headers={"Accept": MANIFEST_TYPES})
    if auth:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        req.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def test_image_is_in_the_plain_registry(registry, busybox_image):
    manifest = get_manifest(registry.host)
    assert manifest["layers"], manifest


def test_auth_registry_wants_credentials(auth_registry, busybox_image):
    with pytest.raises(urllib.error.HTTPError) as e:
        get_manifest(auth_registry.host)
    assert e.value.code == 401
    manifest = get_manifest(auth_registry.host, (REG_USER, REG_PASSWORD))
    assert manifest["layers"], manifest


def test_a_test_whose_guest_hangs_is_stopped_at_once_and_run_again(boot, image, request):
    """The harness' answer to TCG's guest hangs (conftest.GUEST_HANG): on
    the test's first run, a container prints the kernel's soft lockup line,
    then waits 120 s; the boot must be stopped within seconds, and the
    failed test run once more."""
    node = request.node
    if node._b2c_run == 1:
        with pytest.raises(GuestHung) as hung:
            boot(f"b2c.run=\"{image} sh -c 'echo watchdog: BUG: soft lockup - CPU#$((3+4)) stuck for $((20+3))s!; "
                 "sleep 120; echo not-stopped-$((6*6))'\"", timeout=240)
        node.first_run = hung.value.result
        pytest.fail("a test whose guest hung fails; the harness must run it again")
    first = node.first_run
    assert "not-stopped-36" not in first.text and first.seconds < 110, first.why("the machine should be stopped at once")
    retries = (first.log.parent / "measurements.txt").read_text()
    assert f"(console {first.log.name}), {node.name} run again" in retries, retries


# What the kernel prints when it panics at a soft lockup with
# panic_print=0x40 (conftest.GUEST_DIAGNOSTICS), cut to the lines that
# matter. The layout is what Debian's 6.1 kernel printed here for a sysrq
# crash in a guest; the frames are made up (no real hang was caught yet).
PANIC_AT_LOCKUP = b"""\
[   36.683605] watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [conmon:166]\r
[   36.690000] Kernel panic - not syncing: softlockup: hung tasks\r
[   36.690000] NMI backtrace for cpu 1\r
[   36.690000] CPU: 1 PID: 166 Comm: conmon Tainted: G             L     6.1.0-57-amd64 #1  Debian 6.1.192-3\r
[   36.690000] Call Trace:\r
[   36.690000]  <IRQ>\r
[   36.690000]  dump_stack_lvl+0x44/0x5c\r
[   36.690000]  panic+0x154/0x2f4\r
[   36.690000]  watchdog_timer_fn.cold+0x1b/0x1b\r
[   36.690000]  </IRQ>\r
[   36.690000]  <TASK>\r
[   36.690000]  asm_sysvec_apic_timer_interrupt+0x16/0x20\r
[   36.690000] RIP: 0010:smp_call_function_many_cond+0x12e/0x3a0\r
[   36.690000] RSP: 0018:ffffb0c3c05d3c18 EFLAGS: 00000202\r
[   36.690000]  ? flush_tlb_one_kernel+0x10/0x10\r
[   36.690000]  on_each_cpu_cond_mask+0x1d/0x30\r
[   36.690000]  flush_tlb_mm_range+0x132/0x160\r
[   36.690000]  ptep_clear_flush+0x5a/0x60\r
[   36.690000]  wp_page_copy+0x33c/0x6a0\r
[   36.690000]  __handle_mm_fault+0x8e9/0xd60\r
[   36.690000]  </TASK>\r
[   36.690000] NMI backtrace for cpu 0\r
[   36.690000] CPU: 0 PID: 157 Comm: podman Tainted: G             L     6.1.0-57-amd64 #1  Debian 6.1.192-3\r
[   36.690000] RIP: 0010:native_queued_spin_lock_slowpath+0x5e/0x2d0\r
[   36.690000] Call Trace:\r
[   36.690000]  <NMI>\r
[   36.690000]  ? nmi_cpu_backtrace.cold+0x32/0x79\r
[   36.690000]  </NMI>\r
[   36.690000]  <TASK>\r
[   36.690000]  _raw_spin_lock+0x25/0x30\r
[   36.690000]  futex_wake+0x8e/0x170\r
[   36.690000]  </TASK>\r
[   36.700000] Kernel Offset: 0x1800000 from 0xffffffff81000000\r
"""


def test_a_hang_is_summed_up_by_where_each_cpu_was():
    assert hang_summary(PANIC_AT_LOCKUP) == (
        "cpu 1 conmon: smp_call_function_many_cond+0x12e/0x3a0 <- on_each_cpu_cond_mask <- flush_tlb_mm_range"
        " <- ptep_clear_flush <- wp_page_copy; "
        "cpu 0 podman: native_queued_spin_lock_slowpath+0x5e/0x2d0 <- _raw_spin_lock <- futex_wake")
    idle = b"[    9.62] NMI backtrace for cpu 0 skipped: idling at native_safe_halt+0xb/0x10\r\n"
    assert hang_summary(idle) == "cpu 0: idle"
    assert hang_summary(b"[   36.6] watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [conmon:166]\r\n") \
        == "no backtrace on the console"


# The secret watch (tests/leaks.py): what it learns, and that it fails a
# test. Each option of test_robustness's BROKEN_SECRETS is checked too.

def test_the_watch_finds_the_secrets_of_every_option_family():
    from test_robustness import BROKEN_SECRETS
    for option, secrets in BROKEN_SECRETS.items():
        found = leaks.secrets_in_parameter(option)
        assert set(secrets) <= set(found), (option, found)
    assert leaks.secrets_in_parameter(
        "b2c.minio=srv,http://10.0.2.2:9000,AK-e2e-1,SK-e2e-2 b2c.volume=v,fscrypt_key=FK-e2e-3,encrypt_key=EK-e2e-4"
    ) == ["AK-e2e-1", "SK-e2e-2", "FK-e2e-3", "EK-e2e-4"]
    assert leaks.secrets_in_parameter('b2c.login=r,username=u,password="PW with spaces"') == ["PW with spaces"]
    assert leaks.secrets_in_parameter('b2c.proxy="https=http://u:PX-e2e-5@p:1,http=http://PX-e2e-6@p:1"') == [
        "PX-e2e-5"]  # a URL's password; a user name alone is not one
    assert leaks.secrets_in_parameter(f'b2c.run="{"--tls-verify=false"} r/busybox echo hi"') == []


def test_the_watch_reads_arguments_key_files_and_the_environment(tmp_path):
    key = tmp_path / "k.key"
    key.write_text("FILEKEY-e2e-5\n")
    argv = ["b2c-vm", "--append", "b2c.login=r,username=u,password=PW-e2e-6", "--encrypt-key", "EK-e2e-7",
            "--key-file", str(key)]
    assert leaks.secrets_in_argv(argv) == ["PW-e2e-6", "EK-e2e-7", "FILEKEY-e2e-5"]
    env = dict(os.environ, B2C_MINIO_local="http://127.0.0.1:1,AK-e2e-8,SK-e2e-9",
               AWS_SECRET_ACCESS_KEY="SK-e2e-10")
    assert sorted(leaks.secrets_in_env(env)) == ["AK-e2e-8", "SK-e2e-10", "SK-e2e-9"]


def test_a_secret_in_a_captured_output_fails_the_test(secret_watch, build_dir):
    assert secret_watch.is_ours([build_dir / "tools" / "b2c-mirror"]) and not secret_watch.is_ours(["echo"])
    secret_watch.ours.append("/bin/echo")  # as if it were ours
    subprocess.run(["/bin/echo", "password=u"], capture_output=True, check=True)  # too short to search for
    with pytest.raises(pytest.fail.Exception, match="PWout-e2e-11"):
        subprocess.run(["/bin/echo", "b2c.login=r,username=u,password=PWout-e2e-11"], capture_output=True)
    # Other programs may print what they are given (radosgw-admin does).
    subprocess.run(["echo", "b2c.login=r,username=u,password=PWout-e2e-11"], capture_output=True, check=True)
    secret_watch.add("given-another-way-e2e-12")
    with pytest.raises(pytest.fail.Exception, match="given-another-way-e2e-12"):
        subprocess.run(["/bin/echo", "given-another-way-e2e-12"], capture_output=True)
    # Its base 64, as it would go in an HTTP header.
    with pytest.raises(pytest.fail.Exception, match="Z2l2ZW4t"):
        subprocess.run(["/bin/echo", "Z2l2ZW4tYW5vdGhlci13YXktZTJlLTEy"], capture_output=True)


def test_a_secret_on_a_console_fails_the_boot(tmp_path):
    """RunningBoot's check, with a shell for b2c-vm: the header line (the
    command, secrets included) is not the console; what the 'machine'
    printed is."""
    quiet = RunningBoot(["sh", "-c", "echo booted", "b2c.login=r,username=u,password=PWcon-e2e-13"],
                        tmp_path / "quiet.log", 10)
    assert quiet.wait().code == 0
    loud = RunningBoot(["sh", "-c", "echo $0", "b2c.login=r,username=u,password=PWcon-e2e-13"],
                       tmp_path / "loud.log", 10)
    with pytest.raises(pytest.fail.Exception, match="PWcon-e2e-13"):
        loud.wait()
    # The kernel printing its own command line (loglevel >= 5) is not a leak
    # of ours; the init's line about it is.
    kernel = RunningBoot(["sh", "-c", "echo '[    0.089147] Kernel command line: '$0",
                          "b2c.login=r,username=u,password=PWcon-e2e-13"], tmp_path / "kernel.log", 10)
    assert kernel.wait().code == 0
    init = RunningBoot(["sh", "-c", "echo '[4.19]: kernel command line: '$0",
                        "b2c.login=r,username=u,password=PWcon-e2e-13"], tmp_path / "init.log", 10)
    with pytest.raises(pytest.fail.Exception, match="PWcon-e2e-13"):
        init.wait()
