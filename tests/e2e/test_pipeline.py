"""The pipeline: b2c.run, b2c.run_service, b2c.run_post, b2c.pipefail.

The init logs each container's arguments ("starting container: ..."), so a
marker echoed by a container would also be found in that log line. The
markers are therefore computed by the container's shell ($((...)) or
$VAR), which the init never expands, and matched as whole lines: the log
shows `echo run1-$((20+1))`, only the container prints `run1-21`.
"""
import re

from conftest import STATUS_LINE

# Codes of b2c-vm that mean "the harness/VM went wrong", not a guest status.
VM_FAILURES = {200: "bad usage", 201: "QEMU failed", 202: "timeout", 203: "no status"}
# b2c-vm's code for a guest that ended its session before any pipeline.
ENDED_BEFORE_PIPELINE = 204


def assert_ended_before_pipeline(r):
    """A boot that never reached its pipeline (bad command line, no
    network, ...): no status line, but the session's end all the same."""
    assert r.code == ENDED_BEFORE_PIPELINE, r.why("expected b2c-vm's 204: the session ended before the pipeline")
    assert STATUS_LINE not in r.text, r.why("no pipeline ran: no status line expected")
    assert r.executor_saw_session_end(), r.why("a farm executor must see the session end (with its \\r)")


def lines(text, pattern):
    return re.findall(rf"^{pattern}$", text, re.MULTILINE)


def line_index(text, pattern):
    m = re.search(rf"^{pattern}$", text, re.MULTILINE)
    return m.start() if m else -1


def test_output_reaches_console(boot, image, initramfs_all_in_one, multiarch_image):
    # Booted from the all-in-one file drop-in users download (the other
    # tests boot the core initramfs followed by its modules archive). The
    # second run names a manifest list of amd64 and arm64 images: the arm64
    # busybox could not run here (test_arm64.py boots the other way round).
    r = boot(f'b2c.run="{image} echo hello-from-b2c"', f"b2c.run=\"{multiarch_image} sh -c 'echo arch-$(uname -m)'\"",
             extra=("--initramfs", str(initramfs_all_in_one)))
    assert r.code == 0, r.why("expected pipeline status 0")
    assert lines(r.text, "hello-from-b2c"), r.why("the container's output is not on the console")
    assert lines(r.text, "arch-x86_64"), r.why("the amd64 variant of the multi-arch image should have run")
    assert f"{STATUS_LINE} 0" in r.text, r.why()


def test_exit_code_propagates(boot, image):
    r = boot(f"b2c.run=\"{image} sh -c 'exit 7'\"")
    assert r.code == 7, r.why("expected b2c-vm to exit with the container's code 7")
    assert f"{STATUS_LINE} 7" in r.text, r.why()


def test_runs_in_order_then_post_with_pipeline_env(boot, image):
    run2 = f"{image} sh -c 'echo run2-$((20+2)); exit 3'"
    r = boot(f"b2c.run=\"{image} sh -c 'echo run1-$((20+1))'\"",
             f'b2c.run="{run2}"',
             f"b2c.run_post=\"{image} sh -c 'echo post-$((20+3)); env | grep B2C_PIPELINE | sort'\"")
    assert r.code == 3, r.why("expected status 3 (from the second run)")
    i1, i2, ip = (line_index(r.text, m) for m in ("run1-21", "run2-22", "post-23"))
    assert i1 >= 0 and i2 >= 0 and ip >= 0, r.why(f"a container did not print: {i1=} {i2=} {ip=}")
    assert i1 < i2 < ip, r.why("containers did not run in the order run1, run2, post")

    env = dict(re.findall(r"^(B2C_PIPELINE_[A-Z_]+)=(.*)$", r.text[ip:], re.MULTILINE))
    assert env.get("B2C_PIPELINE_STATUS") == "3", r.why(f"post saw {env}")
    assert "exit 3" in env.get("B2C_PIPELINE_FAILED_BY", "") and \
        "run2-$((20+2))" in env.get("B2C_PIPELINE_FAILED_BY", ""), \
        r.why(f"FAILED_BY should hold run2's arguments; post saw {env}")
    assert env.get("B2C_PIPELINE_PREV_CONTAINER_EXIT_CODE") == "3", r.why(f"post saw {env}")
    assert "run2-$((20+2))" in env.get("B2C_PIPELINE_PREV_CONTAINER", ""), r.why(f"post saw {env}")
    assert env.get("B2C_PIPELINE_SHUTDOWN_MODE") == "default", r.why(f"post saw {env}")


def test_service_reachable_from_run(boot, image):
    service = (f"--stop-signal=KILL {image} sh -c 'mkdir -p /www && "
               f"echo service-says-$((6*7)) > /www/index.html && exec httpd -f -p 8080 -h /www'")
    run = (f"{image} sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do "
           f"out=$(wget -q -O - http://127.0.0.1:8080/index.html) && echo got:$out && exit 0; "
           f"sleep 1; done; echo no-answer-$((1+1)); exit 1'")
    r = boot(f'b2c.run_service="{service}"', f'b2c.run="{run}"')
    assert lines(r.text, "got:service-says-42"), r.why("the run did not get the service's page")
    assert r.code == 0, r.why("expected status 0")


def test_pipefail_skips_remaining_runs_but_not_posts(boot, image):
    r = boot("b2c.pipefail",
             f"b2c.run=\"{image} sh -c 'echo run1-$((2+3)); exit 5'\"",
             f"b2c.run=\"{image} sh -c 'echo run2-ran-$((1+1))'\"",
             f"b2c.run_post=\"{image} sh -c 'echo post-ran-$((2+2))'\"")
    assert lines(r.text, "run1-5"), r.why("the first run did not run")
    assert not lines(r.text, "run2-ran-2"), r.why("b2c.pipefail: the second run must not run")
    assert lines(r.text, "post-ran-4"), r.why("the post container must run despite pipefail")
    assert r.code == 5, r.why("expected status 5")


def test_without_pipefail_later_runs_still_run(boot, image):
    r = boot(f"b2c.run=\"{image} sh -c 'exit 5'\"",
             f"b2c.run=\"{image} sh -c 'echo run2-ran-$((1+1))'\"")
    assert lines(r.text, "run2-ran-2"), r.why("without b2c.pipefail the second run must run")
    assert r.code == 5, r.why("the status is the first failure's code, 5")
