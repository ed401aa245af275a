"""`b2c-init --dry-run --cmdline STR` on the host (no VM): parses the
options, prints the configuration and the podman command lines it would
run, and reports warnings and errors by option name."""
import re
import subprocess

import pytest

from conftest import REG_PASSWORD
from farm_corpus import CORPUS


def dry_run(b2c_init, cmdline):
    r = subprocess.run([str(b2c_init), "--dry-run", "--cmdline", cmdline],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=30)
    return r.returncode, r.stdout


def why(code, out):
    return f"exit code {code}, output:\n{out}"


def test_help_mentions_dry_run(b2c_init):
    r = subprocess.run([str(b2c_init), "--help"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=30)
    assert r.returncode == 0 and "--dry-run" in r.stdout and "--cmdline" in r.stdout, \
        why(r.returncode, r.stdout)


def test_prints_config_and_podman_commands(b2c_init):
    code, out = dry_run(b2c_init,
                        "console=ttyS0 b2c.hostname=dry "
                        "b2c.run=\"-e MSG='hello world' reg.example/img sh -c 'echo $MSG'\" "
                        "b2c.run_post=\"reg.example/img echo post\"")
    assert code == 0, why(code, out)
    assert "dry" in out, why(code, out)  # the configuration: host name
    podman = [l for l in out.splitlines() if "podman" in l and "create" in l]
    assert len(podman) >= 2, why(code, out)
    first = podman[0]
    for word in ("--privileged", "--network=host", "--pull=always", "reg.example/img"):
        assert word in first, why(code, out)
    # The user's words, split with shell rules, no expansion: 'MSG=hello world'
    # is one word and '$MSG' is kept.
    assert re.search(r"""(['"])MSG=hello world\1|MSG=hello\\ world""", first), why(code, out)
    assert "$MSG" in first, why(code, out)
    # Our arguments come before the user's.
    assert first.index("--privileged") < first.index("reg.example/img"), why(code, out)


def test_unknown_option_warns(b2c_init):
    code, out = dry_run(b2c_init, 'b2c.frobnicate=1 b2c.run="reg.example/img true"')
    assert code == 0, why(code, out)
    assert any("b2c.frobnicate" in l and re.search(r"(?i)unknown|warn", l)
               for l in out.splitlines()), why(code, out)


@pytest.mark.parametrize("cmdline,option", [
    ("b2c.poweroff_delay=soon", "b2c.poweroff_delay"),
    ("b2c.iface=eth0,address=300.1.2.3/24", "b2c.iface"),
    ('b2c.run="-ti reg.example/img', "b2c.run"),
    ("b2c.wireguard=wg0,private_key=QUFBQQ==,address=10.99.0.2/24,peer=" + "A" * 43 + "=", "b2c.wireguard"),
])
def test_bad_value_fails_naming_the_option(b2c_init, cmdline, option):
    code, out = dry_run(b2c_init, cmdline)
    assert code != 0, why(code, out)
    assert option in out, why(code, out)


def test_password_not_printed(b2c_init):
    code, out = dry_run(b2c_init, f"b2c.login=reg.example,username=u,password={REG_PASSWORD} "
                                  f'b2c.run="reg.example/img true"')
    assert code == 0, why(code, out)
    assert REG_PASSWORD not in out, why(code, out)
    assert "login" in out, why(code, out)


def test_wireguard_keys_not_printed(b2c_init, secret_watch):
    private = "cHJpdmF0ZS1rZXktb2Ytd2cwLWZvci10aGUtdGVzdHM="
    preshared = "cHJlc2hhcmVkLWtleS1vZi1wZWVyLTEtc2VjcmV0LXg="
    public = "cHVibGljLWtleS1vZi10aGUtZ2F0ZXdheS1wZWVyLTE="
    code, out = dry_run(b2c_init, f"b2c.wireguard=wg0,private_key={private},address=10.99.0.2/24,peer={public},"
                                  f"preshared_key={preshared},endpoint=gw.farm:51820,allowed_ips=10.42.0.0/16 "
                                  'b2c.run="reg.example/img true"')
    assert code == 0, why(code, out)
    assert "wireguard wg0: address 10.99.0.2/24, private key ***" in out, why(code, out)
    assert f"peer {public}: endpoint gw.farm:51820, allowed 10.42.0.0/16, preshared key ***" in out, why(code, out)
    # (secret_watch fails the test if either key is in the output.)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_farm_job_lines_are_accepted_as_they_are(b2c_init, name):
    """The command lines farms send (farm_corpus.py): no error, no warning,
    and the plan shows every container with its image."""
    line = CORPUS[name]
    code, out = dry_run(b2c_init, line)
    assert code == 0, why(code, out)
    complaints = [l for l in out.splitlines() if l.startswith(("error:", "warning:"))]
    assert not complaints, why(code, out)
    containers = re.findall(r'b2c\.(?:container|run)="([^"]*)"', line)
    creates = [l for l in out.splitlines() if l.startswith("podman create")]
    assert len(creates) == len(containers), why(code, out)
    for create, container in zip(creates, containers):
        image = next(w for w in container.split() if w.startswith(("docker://", "registry.local/")))
        assert image in create, why(code, out)
