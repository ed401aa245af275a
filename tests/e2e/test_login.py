"""b2c.login against a registry with htpasswd auth (plain HTTP: the
`tls_verify=false` extension sub-option)."""

from conftest import REG_PASSWORD, REG_USER, REG_WRONG_PASSWORD, STATUS_LINE
from test_pipeline import VM_FAILURES, lines


def login_boot(boot, auth_registry, password):
    return boot(f"b2c.login={auth_registry.guest},username={REG_USER},password={password},"
                f"tls_verify=false",
                f"b2c.run=\"--tls-verify=false {auth_registry.guest}/busybox:latest "
                f"sh -c 'echo auth-pull-$((3*3))'\"")


def test_login_right_password_pulls(boot, auth_registry, busybox_image):
    r = login_boot(boot, auth_registry, REG_PASSWORD)
    assert lines(r.text, "auth-pull-9"), r.why("the image from the auth registry did not run")
    assert r.code == 0, r.why("expected status 0")
    assert REG_PASSWORD not in r.text, r.why(
        "the password appears in the console log:\n" +
        "\n".join(l for l in r.text.splitlines() if REG_PASSWORD in l))


def test_login_wrong_password_fails_without_leaking(boot, auth_registry, busybox_image):
    r = login_boot(boot, auth_registry, REG_WRONG_PASSWORD)
    assert REG_WRONG_PASSWORD not in r.text, r.why(
        "the password appears in the console log:\n" +
        "\n".join(l for l in r.text.splitlines() if REG_WRONG_PASSWORD in l))
    assert not lines(r.text, "auth-pull-9"), r.why("the container ran without valid credentials?")
    assert r.code != 0 and r.code not in VM_FAILURES, r.why("expected a non-zero pipeline status")
    assert STATUS_LINE in r.text, r.why()
