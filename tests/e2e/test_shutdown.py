"""A container that calls reboot(2) or poweroff: podman reports 129 / 130,
the pipeline records the shutdown mode, the machine reboots / powers off at
the end (QEMU runs with -no-reboot, so a reboot ends QEMU too)."""
from conftest import POWER_OFF_LINE, REBOOT_LINE, STATUS_LINE
from test_pipeline import lines


def test_container_reboot(boot, image):
    r = boot(f"b2c.run=\"{image} reboot -f\"",
             f"b2c.run_post=\"{image} sh -c 'echo post-sees-$B2C_PIPELINE_SHUTDOWN_MODE'\"")
    assert r.code == 129, r.why("expected status 129 (container PID 1 killed by SIGHUP)")
    assert lines(r.text, "post-sees-reboot"), r.why("the post should see SHUTDOWN_MODE=reboot")
    assert "shutdown mode: reboot" in r.text, r.why("the init should say the shutdown mode")
    tail = r.after(f"{STATUS_LINE} 129")
    assert REBOOT_LINE in tail, r.why("the init should reboot the machine")
    assert POWER_OFF_LINE not in tail, r.why("reboot asked, but the init powers off")


def test_container_poweroff(boot, image):
    r = boot(f"b2c.run=\"{image} poweroff -f\"",
             f"b2c.run_post=\"{image} sh -c 'echo post-sees-$B2C_PIPELINE_SHUTDOWN_MODE'\"")
    assert r.code == 130, r.why("expected status 130 (container PID 1 killed by SIGINT)")
    assert lines(r.text, "post-sees-poweroff"), r.why("the post should see SHUTDOWN_MODE=poweroff")
    assert "shutdown mode: poweroff" in r.text, r.why("the init should say the shutdown mode")
    tail = r.after(f"{STATUS_LINE} 130")
    assert POWER_OFF_LINE in tail, r.why("the init should power the machine off")
    assert REBOOT_LINE not in tail, r.why()
