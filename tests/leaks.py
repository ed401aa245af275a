"""Secrets given by a test, searched for in everything the test got back.

Every test that starts a process hands it secrets: on the kernel command
line of a boot (`password=`, `fscrypt_key=`, `encrypt_key=`, b2c.minio's
keys), in its arguments (`--encrypt-key`, `--key-file`), in its environment
(`B2C_MINIO_*`). `SecretWatch` learns them from every process a test starts
and fails the test as soon as one appears in an output of ours that it
reads: the captured stdout or stderr of a program of the build directory
(b2c-init, b2c-mirror, the probes, also when run through `ip netns exec`),
or a boot's console. (Other programs may print what they were given:
radosgw-admin prints the keys of the user it makes.) So a leak
anywhere fails the test that caused it, not only the tests written to look
for one.

The rules are written here again, on purpose, instead of calling the
product's (cmdline/secrets.h): a test of the redaction must not share its
mistakes.
"""
import base64
import os
import pathlib
import re
import subprocess

import pytest

# A value shorter than this is not searched for: `u` or `x` is in any
# console by chance. Tests that check secrets use distinctive ones.
MIN_LENGTH = 6

SECRET_ITEM = re.compile(r"^(password|\w*_key|\w*secret)$")
SECRET_FLAG = re.compile(r"^--[\w-]*(key|secret|password)$")
SECRET_ENV = re.compile(r"(SECRET|PASSWORD|_KEY$|_KEY_ID$)")


def _unquote(text: str) -> str:
    return text.strip().strip('"').strip("'")


def _is_url(text: str) -> bool:
    return "://" in text


def _url_password(url: str) -> list[str]:
    match = re.match(r"^[a-z][a-z0-9+.-]*://([^/@]*)@", url)
    if not match or ":" not in match.group(1):
        return []
    return [match.group(1).split(":", 1)[1]]


def _minio_fields(fields: list[str]) -> list[str]:
    """b2c.minio's fields after the alias (or B2C_MINIO_*'s, which has no
    alias): every field that is not a URL is a key, wherever it stands, and
    a URL's password is one too."""
    found = []
    for field in map(_unquote, fields):
        found += _url_password(field) if _is_url(field) else [field]
    return found


def kernel_words(text: str) -> list[str]:
    """Parameters as the kernel splits them: at spaces outside double
    quotes."""
    words, word, quoted = [], "", False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char.isspace() and not quoted:
            words.append(word)
            word = ""
        else:
            word += char
    return [w for w in words + [word] if w]


def secrets_in_parameter(text: str) -> list[str]:
    """The secrets of one kernel parameter (`b2c.login=r,password=P`) or of
    any argument written the same way (a probe's `--cmdline` value holds
    several parameters separated by spaces)."""
    found = []
    for word in kernel_words(text):
        name, equal, value = word.partition("=")
        if not equal:
            continue
        if name == "b2c.minio":
            found += _minio_fields(value.split(",")[1:])
        if name == "b2c.proxy":  # https=URL,http=URL: their passwords
            found += [p for item in _unquote(value).split(",") for p in _url_password(item.partition("=")[2])]
        # The first item of a parameter counts too (`b2c.login=password=P`).
        for item in value.split(",") if name.startswith("b2c.") else word.split(","):
            key, equal, secret = item.partition("=")
            if equal and SECRET_ITEM.match(_unquote(key).lower()):
                found.append(_unquote(secret))
    return found


def secrets_in_argv(argv: list[str]) -> list[str]:
    found = []
    for i, arg in enumerate(argv):
        found += secrets_in_parameter(arg)
        if (SECRET_FLAG.match(arg) or arg == "--key-file") and i + 1 < len(argv):
            value = argv[i + 1]
            if arg == "--key-file":
                try:
                    value = pathlib.Path(value).read_text().strip()
                except (OSError, UnicodeDecodeError):
                    continue
            found.append(value)
    return found


def secrets_in_env(env) -> list[str]:
    """What the test put in a process's environment (what it inherited
    from the machine running the tests is not the test's)."""
    found = []
    for name, value in env.items():
        if os.environ.get(name) == value:
            continue
        if name.startswith("B2C_MINIO_"):
            found += _minio_fields(value.split(","))
        elif SECRET_ENV.search(name):
            found.append(value)
    return found


class SecretWatch:
    """The secrets one test gave away so far, and the check of an output
    against them."""

    def __init__(self, ours=()):
        self.secrets: set[str] = set()
        # Path prefixes: a process with an argument under one is ours.
        self.ours = [str(p) for p in ours]

    def add(self, *values: str):
        for value in values:
            if len(value) >= MIN_LENGTH:
                self.secrets.add(value)
                # As it goes on the wire (an SSE-C key, HTTP basic auth).
                self.secrets.add(base64.b64encode(value.encode()).decode())

    def learn(self, argv, env=None):
        if isinstance(argv, (str, bytes, os.PathLike)):
            argv = [argv]
        self.add(*secrets_in_argv([os.fsdecode(a) for a in argv]))
        if env is not None:
            self.add(*secrets_in_env(env))

    def is_ours(self, argv) -> bool:
        if isinstance(argv, (str, bytes, os.PathLike)):
            argv = [argv]
        return any(os.fsdecode(a).startswith(prefix) for a in argv for prefix in self.ours)

    def leaked(self, output) -> list[str]:
        if isinstance(output, bytes):
            output = output.decode(errors="replace")
        return sorted(s for s in self.secrets if s in output)

    def check(self, output, where: str):
        """Fails the test if output holds a secret; `where` names it."""
        if not output:
            return
        leaked = self.leaked(output)
        if leaked:
            pytest.fail(f"a secret the test gave appears in {where}: {', '.join(leaked)}", pytrace=False)


# The watch of the running test, for harness code that has no fixture at
# hand (a boot's console is checked when the boot ends).
current = SecretWatch()


@pytest.fixture(autouse=True)
def secret_watch(monkeypatch, build_dir):
    """Autouse: every process the test starts teaches the watch its
    secrets, and every output of ours read through communicate() (so every
    subprocess.run of ours with captured output) is checked at once. Tests
    add secrets given another way with secret_watch.add()."""
    global current
    build = pathlib.Path(build_dir)
    watch = current = SecretWatch(ours={str(build.absolute()), str(build.resolve())})
    real_init = subprocess.Popen.__init__
    real_communicate = subprocess.Popen.communicate

    def init(self, args, *rest, **kwargs):
        watch.learn(args, kwargs.get("env"))
        real_init(self, args, *rest, **kwargs)

    def communicate(self, *args, **kwargs):
        stdout, stderr = real_communicate(self, *args, **kwargs)
        if not watch.is_ours(self.args):
            return stdout, stderr
        name = os.fsdecode(self.args[0] if isinstance(self.args, (list, tuple)) else self.args)
        watch.check(stdout, f"the output of {name}")
        watch.check(stderr, f"the errors of {name}")
        return stdout, stderr

    monkeypatch.setattr(subprocess.Popen, "__init__", init)
    monkeypatch.setattr(subprocess.Popen, "communicate", communicate)
    yield watch
    current = SecretWatch()
