"""b2c.keymap: the console layout, read back from the guest's kernel.

A container with the virtual terminal (--device /dev/tty0) runs busybox's
dumpkmap, which reads the kernel's table with KDGKBENT and writes it in
busybox's bkeymap format; base64 carries it over the serial console. The
host compares it with the file the build compiled (build/keymaps/NAME.bkm).
"""
import base64
import re
import struct

import pytest

from test_pipeline import lines

K_HOLE = 0x0200
K_NOSUCHMAP = 0x027F
# busybox's dumpkmap reads these tables, 128 keys each.
DUMPED_TABLES = [0, 1, 2, 4, 5, 6, 8, 9, 10, 12]


def letter(c):
    return 0x0B00 | ord(c)  # K(KT_LETTER, c), as KDGKBENT gives it


def read_bkm(path):
    """{table: [256 keys]} and the accent count of one of our .bkm files
    (format: init/console/keymap_file.h)."""
    data = path.read_bytes()
    assert data[:8] == b"B2CKEYS\0", f"{path} is not a keymap file"
    _, tables, strings, accents = struct.unpack_from("<HHHH", data, 8)
    offset, result = 16, {}
    for _ in range(tables):
        index, _, count = struct.unpack_from("<BBH", data, offset)
        keys = list(struct.unpack_from(f"<{count}H", data, offset + 4))
        result[index] = keys + [K_HOLE] * (256 - count)
        offset += 4 + 2 * count
    return result, strings, accents


def dump_differences(dump, tables):
    """Where busybox's dump differs from `tables` being the kernel's whole
    table, as "table T key K: got G, expected E" lines."""
    if dump[:7] != b"bkeymap" or len(dump) != 7 + 256 + 256 * len(DUMPED_TABLES):
        return [f"not a dumpkmap output: {len(dump)} bytes starting with {dump[:7]!r}"]
    differences = []
    for n, t in enumerate(DUMPED_TABLES):
        got = struct.unpack_from("<128H", dump, 7 + 256 + 256 * n)
        # Tables the map lacks must be gone. Key 0 of a present table is the
        # kernel's own (KDSKBENT ignores it): K_HOLE, or K_ALLOCATED in a table
        # the kernel allocated on the fly.
        want = tables.get(t, [K_NOSUCHMAP] + [K_HOLE] * 255)
        first = 1 if t in tables else 0
        differences += [f"table {t} key {k}: got {got[k]:#06x}, expected {want[k]:#06x}"
                        for k in range(first, 128) if got[k] != want[k]]
    return differences


def dump_command(image):
    # The markers are computed by the container's shell: the init's own log
    # of the command line cannot match them.
    return (f"b2c.run=\"--device /dev/tty0 {image} sh -c 'echo kmap-begin-$((6*7)); "
            f"busybox dumpkmap | busybox base64; echo kmap-end-$((6*7))'\"")


def dumped_table(r):
    m = re.search(r"^kmap-begin-42$(.*?)^kmap-end-42$", r.text, re.MULTILINE | re.DOTALL)
    assert m, r.why("the container did not print the dump between its markers")
    text = "".join(l.strip() for l in m.group(1).splitlines()
                   if re.fullmatch(r"[A-Za-z0-9+/=]+", l.strip()))
    return base64.b64decode(text)


def plain_keys(dump):
    return struct.unpack_from("<128H", dump, 7 + 256)


@pytest.mark.parametrize("name", ["fr", "fr-latin9"])
def test_keymap_is_in_the_kernel(boot, image, build_dir, name):
    tables, strings, accents = read_bkm(build_dir / "keymaps" / f"{name}.bkm")
    r = boot(f"b2c.keymap={name}", dump_command(image))
    assert r.code == 0, r.why("expected status 0")
    assert f"keymap {name} loaded: {len(tables)} tables, {strings} function strings, " \
        f"{accents} compose entries" in r.text, r.why("expected the init's keymap line")
    assert "b2c.keymap is not supported" not in r.text, r.why()
    dump = dumped_table(r)
    plain = plain_keys(dump)
    # AZERTY: the key right of Tab types a, the one right of Caps Lock q.
    assert (plain[16], plain[30]) == (letter("a"), letter("q")), \
        r.why(f"keys 16 and 30 are {plain[16]:#06x} {plain[30]:#06x}")
    differences = dump_differences(dump, tables)
    assert not differences, r.why("the kernel's table differs from the compiled file:\n" +
                                  "\n".join(differences[:20]))


def test_unknown_keymap_is_an_error_and_the_pipeline_runs(boot, image):
    r = boot("b2c.keymap=fr-azerty-nope", dump_command(image))
    assert r.code == 0, r.why("a wrong keymap must not fail the pipeline")
    assert re.search(r"ERROR: (Keymap: )?b2c\.keymap=fr-azerty-nope: no such keymap; did you mean "
                     r"[^\n]*\bfr-latin9\b", r.text), r.why("expected an error naming b2c.keymap")
    plain = plain_keys(dumped_table(r))
    # The kernel's default (US) layout is still there: QWERTY.
    assert (plain[16], plain[30]) == (letter("q"), letter("a")), \
        r.why(f"keys 16 and 30 are {plain[16]:#06x} {plain[30]:#06x}")
    assert lines(r.text, "kmap-end-42"), r.why()
