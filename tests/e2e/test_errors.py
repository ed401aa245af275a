"""Failures the user causes: a missing image, a broken command line, an
unknown option. The machine must always end cleanly with a status (b2c-vm
exits with it), never hang (202) or crash (203)."""
import re

from test_pipeline import VM_FAILURES, assert_ended_before_pipeline, lines
from conftest import POWER_OFF_LINE, STATUS_LINE


def test_missing_image_retries_then_fails_cleanly(boot, registry, busybox_image):
    r = boot(f"b2c.run=\"--tls-verify=false {registry.guest}/does-not-exist:latest "
             f"sh -c 'echo impossible-$((1+1))'\"",
             timeout=240)
    assert r.code != 0 and r.code not in VM_FAILURES, r.why("expected a non-zero pipeline status")
    retries = [l for l in r.text.splitlines() if re.search(r"(?i)\bretry", l)]
    assert len(retries) >= 2, r.why(f"expected several create attempts, saw retries: {retries}")
    assert not lines(r.text, "impossible-2"), r.why()
    assert POWER_OFF_LINE in r.after(STATUS_LINE), r.why("expected a clean power off")


def test_unterminated_quote(boot, image):
    # b2c-vm passes --append text as is (only --image/--command are checked
    # for '"'); the kernel keeps an unterminated quote to the end of the line.
    r = boot(f"b2c.run=\"-ti {image} sh -c 'echo should-not-run-$((1+1))'")
    errors = [l for l in r.text.splitlines() if re.search(r"(?i)unterminated", l)]
    assert errors, r.why("the init should say the quote is unterminated")
    assert any("b2c.run" in l for l in errors), r.why(f"the error should name b2c.run: {errors}")
    assert not lines(r.text, "should-not-run-2"), r.why("a broken b2c.run must not run")
    assert_ended_before_pipeline(r)


def test_unknown_option_warns_and_boot_goes_on(boot, image):
    r = boot("b2c.frobnicate=1", f"b2c.run=\"{image} sh -c 'echo still-ran-$((5+5))'\"")
    warnings = [l for l in r.text.splitlines() if "b2c.frobnicate" in l and
                re.search(r"(?i)unknown|warn", l) and "command line:" not in l]
    assert warnings, r.why("expected a warning naming b2c.frobnicate")
    assert lines(r.text, "still-ran-10"), r.why("the pipeline should still run")
    assert r.code == 0, r.why("expected status 0")
    assert POWER_OFF_LINE in r.after(f"{STATUS_LINE} 0"), r.why("expected a clean power off")
