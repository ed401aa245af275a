"""`b2c-init --dry-run --cmdline STR` on the host (no VM): parses the
options, prints the configuration and the podman command lines it would
run, and reports warnings and errors by option name."""
import re
import subprocess

import pytest

from conftest import REG_PASSWORD
from farm_corpus import CORPUS, EXTRA_ARGS

# An image reference as farms write them: [docker://]HOST[:PORT]/PATH[:TAG].
IMAGE = re.compile(r"(docker://)?([\w.-]+(:\d+)?/)+[\w.-]+(:[\w.-]+)?")


def dry_run(b2c_init, cmdline, extra_args_file=None):
    extra = ["--extra-args-file", str(extra_args_file)] if extra_args_file else []
    r = subprocess.run([str(b2c_init), "--dry-run", "--cmdline", cmdline, *extra],
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
def test_farm_job_lines_are_accepted_as_they_are(b2c_init, name, tmp_path):
    """The command lines farms send (farm_corpus.py), with the extra-args
    file their farm serves: no error, no warning, and the plan shows every
    container with its image."""
    line = CORPUS[name]
    extra_args_file = None
    if name in EXTRA_ARGS:
        extra_args_file = tmp_path / "b2c-extra-args"
        extra_args_file.write_text(EXTRA_ARGS[name])
    code, out = dry_run(b2c_init, line, extra_args_file)
    assert code == 0, why(code, out)
    complaints = [l for l in out.splitlines() if l.startswith(("error:", "warning:"))]
    assert not complaints, why(code, out)
    text = line + " " + EXTRA_ARGS.get(name, "")
    containers = re.findall(r'b2c\.(?:container|run)="((?:[^"\\]|\\.)*)"', text)
    # The runs' creates (--rm), in order; the services' come first, without it.
    creates = [l for l in out.splitlines() if l.startswith("podman create") and " --rm " in l]
    assert len(creates) == len(containers), why(code, out)
    for create, container in zip(creates, containers):
        image = next(w for w in container.split() if IMAGE.fullmatch(w))
        assert image in create, why(code, out)


def test_farm_commands_reach_podman_as_the_farm_quoted_them(b2c_init, tmp_path):
    """Mesa's escaped quotes and ci-tron's command of two lines each give
    the container one argument; the cache and swap of a file are taken."""
    extra = tmp_path / "mesa-args"
    extra.write_text(EXTRA_ARGS["mesa_2024"])
    code, out = dry_run(b2c_init, CORPUS["mesa_2024"], extra)
    assert code == 0, why(code, out)
    assert any(l.endswith("docker://10.42.0.1:8002/mesa/test:1 bash -euc "
                          "'tar xf install.tar; ./install/common/init-stage2.sh'") for l in out.splitlines()), \
        why(code, out)
    extra = tmp_path / "citron-args"
    extra.write_text(EXTRA_ARGS["citron_2025"] + "b2c.cache_device=reset b2c.swap=1G\n")
    code, out = dry_run(b2c_init, "b2c.extra_args_url=http://10.42.0.1:8080/job/b2c-extra-args", extra)
    assert code == 0, why(code, out)
    assert "--entrypoint sh 10.42.0.1:8002/ci/image-under-test:latest -euc 'echo one\necho two'" in out, \
        why(code, out)
    assert re.search(r"^  cache: reset", out, re.M), why(code, out)
    assert not re.search(r"^(error|warning):", out, re.M), why(code, out)


def test_an_image_run_by_id_is_not_pulled(b2c_init):
    image_id = "4f" * 32
    code, out = dry_run(b2c_init, f'b2c.run="-ti sha256:{image_id} check" b2c.run="-ti {image_id}"')
    assert code == 0, why(code, out)
    creates = [l for l in out.splitlines() if l.startswith("podman create")]
    assert len(creates) == 2 and all("--pull=never" in l and "--pull=always" not in l for l in creates), \
        why(code, out)
