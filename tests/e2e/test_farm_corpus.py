"""The job command lines farms send (farm_corpus.py), booted as a farm
would, and judged as a farm's executor judges them: by the regular
expressions it matches on the raw console bytes, with their \\r,
  \\[.*\\]: Execution is over, pipeline status: 0\\r$   (the job succeeded)
  ^.*It's now safe to turn off your computer\\r$      (the session ended)
The farm's servers are the test's own: a registry, chronyd, s3rver."""
import io
import pathlib
import re
import sys
import tarfile
import time

import pytest

import leaks
from conftest import KERNEL_COMMAND_LINE, BootResult, _run, log_path_for, make_busybox_rootfs_tar, vm_argv
from farm_corpus import (CACHE_RESET, CI_JOB, CITRON_2025, CITRON_2025_EXTRA_ARGS, GATEWAY, INTERACTIVE, KEY,
                         QUALIFICATION_2021, REGISTRATION, S3_JOB, for_qemu)
from file_server import FileServer
from http_proxy import Tinyproxy
from test_archives import cpio_newc, write
from test_interactive import PtyVm
from test_ntp import chronyd  # noqa: F401 (a fixture)
from test_pipeline import lines
from test_storage import disk_contains, disks, raw_disk

sys.path.insert(0, str(pathlib.Path(__file__).parent.parent / "host"))
from s3servers import S3rverServer  # noqa: E402

# What the farm's images do, each printing a line the log cannot contain
# (computed by the container's shell).
SCRIPTS = {
    "bin/register": "echo registered-$((40+2))",
    "bin/check": "echo checked-$((40+3))",
    "bin/mesa-test": "echo mesa-ran-$((1+1)); touch /storage/mesa-was-here && echo cache-tmp-bound-$((2+1))",
    # The gateway's init fails: the pipeline's status is its exit code.
    "bin/init": "grep -q ' /mnt/tmp ' /proc/mounts && grep -q ' /mnt/permanent ' /proc/mounts && "
                "echo gateway-volumes-$((3+4)); exit 3",
    "entrypoint": "pwd; echo result-$((6*7)) > /job/results.txt; mkdir -p /job/logs; echo log > /job/logs/run.log; "
                  "cat /traces/previous.txt; echo test-env-done-$((1+1))",
    # ci-tron's interactive session enters with --entrypoint=bash.
    "bin/bash": 'exec /bin/sh "$@"',
    # The farm's monitoring service: serves its metrics (where telegraf's
    # prometheus_client output does) until the pipeline stops it. A service
    # runs detached: its output is not on the console, its page is.
    "bin/telegraf": "mkdir -p /www && echo telegraf-up-$((2*3)) > /www/metrics && exec httpd -f -p 9273 -h /www",
}
REPOSITORIES = ["infra/machine_registration:latest", "infra/machine-registration:latest", "tests/mesa:12345",
                "gateway:latest", "user/test-env:latest", "ci/machine-registration:latest",
                "ci/image-under-test:latest", "mesa/test:1"]
SERVICE_REPOSITORIES = ["ci/telegraf:latest"]


@pytest.fixture(scope="module")
def farm_images(session_tmp, podman_store, registry, busybox_image):
    """One image with every script, under each repository the corpus names."""
    tar = session_tmp / "farm-rootfs.tar"
    make_busybox_rootfs_tar(tar)
    with tarfile.open(tar, "a") as archive:
        for path, body in SCRIPTS.items():
            data = f"#!/bin/sh\n{body}\n".encode()
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mode = 0o755
            archive.addfile(info, io.BytesIO(data))
    first = f"{registry.host}/{REPOSITORIES[0]}"
    _run(podman_store + ["import", "--change", 'CMD ["/bin/mesa-test"]',
                         "--change", "ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin", str(tar), first])
    for repository in REPOSITORIES:
        name = f"{registry.host}/{repository}"
        if name != first:
            _run(podman_store + ["tag", first, name])
        _run(podman_store + ["push", "--tls-verify=false", name])
    for repository in SERVICE_REPOSITORIES:
        name = f"{registry.host}/{repository}"
        _run(podman_store + ["import", "--change", 'CMD ["/bin/telegraf"]',
                             "--change", "ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin", str(tar), name])
        _run(podman_store + ["push", "--tls-verify=false", name])
    return registry.port


@pytest.fixture
def s3(tmp_path):
    server = S3rverServer(tmp_path / "s3")
    yield server
    server.stop()


def farm_line(line, farm_images, chronyd, s3_port=9, files_port=9, proxy_port=9):  # noqa: F811
    return for_qemu(line, farm_images, chronyd, s3_port, files_port, proxy_port)


# ci-tron's default end of session: the kernel's own last line, printed at
# KERN_EMERG (so with `quiet` too), with printk's time stamp.
KERNEL_LAST_LINE = re.compile(rb"^\[[\d \.]{12}\] reboot: .*$", re.M)


def assert_success_as_a_farm_sees_it(r):
    assert r.executor_saw_success(), r.why("no line matches the executors' success regex")
    assert r.executor_saw_session_end(), r.why("no line matches the executors' session-end regex")
    assert KERNEL_LAST_LINE.search(r.raw), r.why("no line matches ci-tron's end-of-session regex (the kernel's)")
    assert r.code == 0, r.why()


def test_registration_at_first_boot(boot, farm_images, chronyd):  # noqa: F811
    r = boot(farm_line(REGISTRATION, farm_images, chronyd))
    assert lines(r.text, "registered-42"), r.why("the registration container should run")
    assert re.search(r"NTP: clock set from", r.text), r.why("b2c.ntp_peer=\"...\" should set the clock")
    assert_success_as_a_farm_sees_it(r)


def test_ci_job_with_the_cache_seen_through_its_legacy_path(boot, farm_images, chronyd, tmp_path):  # noqa: F811
    # A disk (sparse) with room for the job's b2c.swap=8G.
    r = boot(farm_line(CI_JOB, farm_images, chronyd), timeout=300, extra=disks(raw_disk(tmp_path, mib=12 << 10)))
    assert re.search(r"swap: 8\.0 GiB of swap in /storage/swapfile", r.text), r.why("b2c.swap=8G should be used")
    assert re.search(r"swap: swappiness set to 60", r.text), r.why("swappiness=60 should be written")
    assert lines(r.text, "checked-43") and lines(r.text, "mesa-ran-2"), r.why("both containers should run")
    assert lines(r.text, "cache-tmp-bound-3"), r.why("-v /container/tmp:/storage should be the cache's tmp")
    assert not re.search(r"WARNING: .*(SALAD|earlyprintk|extra)", r.text), r.why("other parameters are not ours")
    assert_success_as_a_farm_sees_it(r)


def test_gateway_whose_container_fails(boot, farm_images, chronyd, tmp_path):  # noqa: F811
    r = boot(farm_line(GATEWAY, farm_images, chronyd), timeout=300, extra=disks(raw_disk(tmp_path)))
    assert lines(r.text, "gateway-volumes-7"), r.why("both volumes should be mounted in the gateway")
    # A failed job: its status, then the session's end; never the success line.
    assert r.executor_status() == 3, r.why("expected 'Execution is over, pipeline status: 3\\r'")
    assert not r.executor_saw_success(), r.why()
    assert r.executor_saw_session_end(), r.why()
    # `quiet` on this line: the kernel's own last line is still printed.
    assert re.search(rb"^\[[\d \.]{12}\] reboot: Power down\r?$", r.raw, re.M), r.why("the kernel's 'reboot: Power down'")
    assert r.code == 3, r.why()


def test_job_whose_results_go_to_s3_while_it_runs(boot, farm_images, chronyd, s3, tmp_path):  # noqa: F811
    s3.make_bucket("job42")
    s3.put("traces", "previous.txt", b"trace-from-before-1234\n")
    r = boot(farm_line(S3_JOB, farm_images, chronyd, s3.port), timeout=400, extra=disks(raw_disk(tmp_path)))
    assert lines(r.text, "checked-43") and lines(r.text, "test-env-done-2"), r.why("both containers should run")
    assert lines(r.text, "/job"), r.why("-w /job should be the working directory")
    assert lines(r.text, "trace-from-before-1234"), r.why("the traces volume should be pulled")
    assert_success_as_a_farm_sees_it(r)
    assert s3.keys("job42") == ["logs/run.log", "results.txt"], r.why("the job's results should be in the bucket")
    assert s3.stored("job42", "results.txt") == b"result-42\n"
    # The kernel prints its own command line at loglevel 5 and more (this job
    # asks for 6), before /init runs: that line is the kernel's, every
    # other one is ours and must not show a key.
    ours = b"\n".join(l for l in r.raw.split(b"\n") if b"Kernel command line:" not in l)
    for secret in (s3.access_key, s3.secret_key, KEY):
        assert secret.encode() not in ours, r.why("a secret key was printed")
    # b2c.poweroff_delay=15 comes after the session-end line.
    end = r.after("It's now safe to turn off your computer")
    assert "powering off in 15 s" in end, r.why()


def test_cache_reset_job_with_no_container(boot, tmp_path):
    """ci-tron's cache reset: nothing to run, yet the job's success line;
    the cache made afresh (loglevel=6: the kernel's last line too)."""
    disk = raw_disk(tmp_path)
    r = boot(CACHE_RESET, timeout=300, extra=disks(disk))
    assert "no container to run" in r.text, r.why()
    assert re.search(r"(mke2fs|format)", r.text, re.I), r.why("reset should format a B2C_CACHE partition")
    assert_success_as_a_farm_sees_it(r)
    assert "powering off in 15 s" in r.after("It's now safe to turn off your computer"), r.why()
    assert disk_contains(disk, b"B2C_CACHE"), r.why("the disk should hold the new B2C_CACHE file system")


def test_qualification_loop_of_2021_reports_through_its_shutdown_command(boot, farm_images, chronyd,
                                                                         tmp_path):  # noqa: F811
    """valve-infra's qualification loop: the job's result comes from
    b2c.shutdown_cmd, run with a shell and the pipeline's variables; its
    `poweroff -f` (busybox's) ends the machine."""
    r = boot(farm_line(QUALIFICATION_2021, farm_images, chronyd), timeout=300, extra=disks(raw_disk(tmp_path)))
    assert lines(r.text, "checked-43"), r.why("the registration container should run")
    # The shell expanded the variable: the command line holds only its name.
    assert lines(r.text, r"JOB_RESULT=0\r?"), r.why("the shutdown command should print JOB_RESULT=0")
    assert_success_as_a_farm_sees_it(r)


def test_cache_and_swap_from_the_extra_args_file(boot, farm_images, tmp_path):
    """Mesa's template keeps b2c.cache_device on the kernel line only to work
    around a limit of the original: from the file, the cache and swap work."""
    files = FileServer({"/job/b2c-extra-args": (
        "#!jinja2\n"
        "b2c.cache_device=auto\n"
        "b2c.swap=32M\n"
        f'b2c.run="--tls-verify=false --entrypoint sh 10.0.2.2:{farm_images}/ci/image-under-test:latest -euc '
        "'echo in-the-job-$((1+1))\n"
        "echo swaps-$(grep -c swapfile /proc/swaps)'\"\n")})
    try:
        r = boot(f"b2c.extra_args_url={files.url('/job/b2c-extra-args')}", timeout=300,
                 extra=disks(raw_disk(tmp_path)))
    finally:
        files.stop()
    assert lines(r.text, "in-the-job-2"), r.why("the job should run")
    assert re.search(r"cache: /dev/vda1 mounted on /storage", r.text), r.why("the file's cache should be mounted")
    assert lines(r.text, "swaps-1"), r.why("the swap file named in the file should be on")
    assert not re.search(r"comes too late", r.text), r.why("nothing of this file is too late")
    assert r.code == 0, r.why()


# What the last b2c.run of ci-tron's file runs instead of its `echo one` /
# `echo two`, in its single quotes: each line computed from what the job
# sees (the telegraf service's page, its /user/job.env, its working
# directory, the machine's name, its proxy variables), then the job's
# results written into its volume, with a file under each of the volume's
# exclude= patterns.
CITRON_JOB_SCRIPT = """for i in 1 2 3 4 5 6 7 8 9 10; do
    wget -q -O - http://127.0.0.1:9273/metrics && break; sleep 1
done
echo job-$((CI_JOB_ID+1))-of-$CI_PROJECT_NAME
echo cwd-$(pwd)
echo host-$(hostname)
echo proxy-vars-$(env | grep -ci proxy) proxy-at-${https_proxy#http://}
mkdir -p install
echo not-for-s3 > install/test.bin
echo not-for-s3 > deqp.shader_cache
echo result-$((6*7)) > results.txt
echo wrote-$(cat /builds/job/results.txt)"""


def test_citron_2025_job_booted_as_its_farm_serves_it(boot, farm_images, chronyd, s3, tmp_path):  # noqa: F811
    """ci-tron's official job template: its kernel line, its extra-args file
    as the farm writes it (but for the job's own script, CITRON_JOB_SCRIPT)
    from the file server, /user/job.env in an archive after ours (iPXE's
    second initrd), the job's volume mirrored to S3 while it runs.

    The proxy is a real tinyproxy, yet no byte of the job goes through it:
    the template sets only https=, and the test's servers (registry, file
    server, s3rver) are plain HTTP. What reaches it is podman's HTTPS probe
    of the registry before each pull (CONNECT; --tls-verify=false lets
    podman fall back to plain HTTP, reached directly since there is no
    http=). The proxy refuses CONNECT but to port 443, so that the probe
    never depends on where the host's own network sends 10.0.2.2. The
    container gets https_proxy through its --env only.

    The telegraf service runs detached (no console output): the job prints
    the page it serves on the machine's network. The host name is the one
    the job's container sees (--network=host: podman gives it the
    machine's)."""
    s3.make_bucket("job42")
    proxy = Tinyproxy(tmp_path / "proxy", connect_ports=(443,))
    extra_args = CITRON_2025_EXTRA_ARGS.replace("-euc 'echo one\necho two'", f"-euc '{CITRON_JOB_SCRIPT}'")
    assert extra_args != CITRON_2025_EXTRA_ARGS
    files = FileServer({})
    files.files["/job/b2c-extra-args"] = farm_line(extra_args, farm_images, chronyd, s3.port, files.port, proxy.port)
    job = tmp_path / "job-archive"
    write(job / "user/job.env", "CI_JOB_ID=4199\nCI_PROJECT_NAME=mesa\n")
    archive = tmp_path / "job.cpio"
    archive.write_bytes(cpio_newc(job))
    # A sparse disk with room for the template's b2c.swap=8G.
    try:
        r = boot(farm_line(CITRON_2025, farm_images, chronyd, s3.port, files.port, proxy.port), timeout=600,
                 extra=(*disks(raw_disk(tmp_path, mib=12 << 10)), "--initrd-after", str(archive)))
    finally:
        files.stop()
        proxy.stop()
    assert files.requests == ["/job/b2c-extra-args"], r.why("the extra-args file should be fetched once")
    assert not re.search(r"comes too late", r.text), r.why("nothing of the file is too late")
    assert re.search(r"cache: /dev/vda1 mounted on /storage", r.text), r.why("b2c.cache_device=auto: the cache")
    assert re.search(r"swap: 8\.0 GiB of swap in /storage/swapfile", r.text), r.why("b2c.swap=8G should be used")
    assert re.search(r"swap: swappiness set to 60", r.text), r.why("swappiness=60 should be written")
    assert re.search(r"NTP: clock set from", r.text), r.why("b2c.ntp_peer=ci-gateway should set the clock")
    assert lines(r.text, "telegraf-up-6"), r.why("the telegraf service should serve its page to the job")
    assert lines(r.text, "checked-43"), r.why("the registration check should run")
    assert lines(r.text, "job-4200-of-mesa"), r.why("--env-file /user/job.env of the archive after ours")
    assert lines(r.text, "cwd-/builds/job"), r.why("-w /builds/job should be the job's working directory")
    assert lines(r.text, "host-dut-42"), r.why("b2c.hostname=dut-42 of the file: the host name containers see")
    assert lines(r.text, f"proxy-vars-1 proxy-at-10.0.2.2:{proxy.port}"), \
        r.why("the job should get its --env https_proxy, and no other proxy variable")
    assert lines(r.text, "wrote-result-42"), r.why("the job should write into its volume")
    # A probe for each of the three pulls, and nothing else.
    requests = proxy.requests()
    assert len(requests) >= 3 and set(requests) == {f"CONNECT 10.0.2.2:{farm_images} HTTP/1.1"}, \
        r.why(f"b2c.proxy's https= for podman's probes of the registry, nothing else: {requests}")
    assert_success_as_a_farm_sees_it(r)
    assert s3.keys("job42") == ["results.txt"], r.why("the job's results, none of the exclude= files, in the bucket")
    assert s3.stored("job42", "results.txt") == b"result-42\n"
    # The keys are in the file, never on the kernel's line: no line may show them.
    for secret in (s3.access_key, s3.secret_key):
        assert secret.encode() not in r.raw, r.why("a secret key was printed")
    assert "powering off in 15 s" in r.after("It's now safe to turn off your computer"), r.why()


def test_interactive_session_typed_on_the_serial_console(request, b2c_vm, initramfs, farm_images, chronyd,
                                                         s3):  # noqa: F811
    """ci-tron's interactive session: the farm's user gets a shell on the
    serial console in the container entered with --entrypoint=bash (not the
    image's CMD), with a tty, and the job's volume pulled from its bucket;
    types commands, writes a file into that volume, exits; the file is
    pushed at pipeline_end, and the executor sees the status and the end."""
    s3.make_bucket("job42")
    s3.put("job42", "from-the-farm.txt", b"farm-file-4711\n")
    log = log_path_for(request)
    start = time.monotonic()
    vm = PtyVm(vm_argv(b2c_vm, initramfs, [farm_line(INTERACTIVE, farm_images, chronyd, s3.port)], timeout=300),
               log)

    def why(what):
        return (f"{what}\nconsole log: {log} (after {time.monotonic() - start:.0f} s)\n--- last lines ---\n"
                + "\n".join(vm.text.splitlines()[-40:]))

    def typed(command, answer):
        mark = len(vm.text)
        vm.send(command + "\r")
        assert vm.expect(answer, 60, start=mark), why(f"no line {answer!r} after typing {command!r}")
        assert vm.expect(r"# ?$", 30, start=mark), why(f"no prompt after {command!r}")

    try:
        started = vm.expect(r"starting container", 200)
        assert started, why("the container was not started")
        assert vm.expect(r"# ?$", 90, start=started.end()), why("no shell prompt on the console")
        time.sleep(1)
        typed("[ -t 0 ] && [ -t 1 ] && echo tty-$((1+2))", r"^tty-3$")
        typed("cat /job_share/from-the-farm.txt", r"^farm-file-4711$")
        typed("echo in-shell-$((6*7))", r"^in-shell-42$")
        typed("echo $((6*7))-$((100+1)) > /job_share/answer.txt; echo w-$?", r"^w-0$")
        mark = len(vm.text)
        vm.send("exit 0\r")
        code = vm.wait(150)
        seconds = time.monotonic() - start
    finally:
        vm.close()
    r = BootResult(code, vm.raw, log, seconds)
    print(f"interactive session: {seconds:.0f} s from b2c-vm's start to its exit")
    assert re.search(r"container exited with code 0", vm.text[mark:]), r.why("the shell's exit 0 should end it")
    assert not lines(r.text, "mesa-ran-2"), r.why("--entrypoint=bash should not run the image's CMD")
    assert_success_as_a_farm_sees_it(r)
    assert "powering off in 15 s" in r.after("It's now safe to turn off your computer"), r.why()
    assert s3.keys("job42") == ["answer.txt", "from-the-farm.txt"], r.why("the volume should be pushed at the end")
    assert s3.stored("job42", "answer.txt") == b"42-101\n", r.why("the file written in the shell")
    leaks.current.check(KERNEL_COMMAND_LINE.sub(b"", vm.raw), f"the console {log}")
