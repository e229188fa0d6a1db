#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fails when a translatable string cannot be translated whole.

xgettext stops a string at a macro: _("%" G_GUINT64_FORMAT " calls") reaches
the translators as "%" and the rest is never translated.  Runs xgettext over
po/POTFILES.in (as the template is made) and lists every message that ends in
a cut conversion ("%" or "%'"), with its source line.

usage: check-strings.py SOURCE_ROOT
"""

import os
import re
import subprocess
import sys
import tempfile


def macro_follows(root, where):
    """Whether a string literal at FILE:LINE (or the lines after it, where
    the call goes on) is followed by a format macro such as G_GUINT64_FORMAT."""
    path, _, line = where.rpartition(":")
    with open(os.path.join(root, path), encoding="utf-8") as f:
        lines = f.readlines()[int(line) - 1:int(line) + 3]
    return re.search(r'"\s*(G_\w*FORMAT|PRI[diouxX]\w*)\b', "".join(lines)) is not None


def main():
    root = sys.argv[1]
    with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
        files = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "check.pot")
        subprocess.check_call(["xgettext", "--from-code=UTF-8", "--language=C", "--keyword=_", "--keyword=N_",
                               "--keyword=C_:1c,2", "--keyword=NC_:1c,2", "--keyword=g_dngettext:2,3",
                               "--keyword=ngettext:1,2", "--no-wrap", "-o", pot]
                              + [f for f in files if f.endswith(".c")], cwd=root)
        with open(pot, encoding="utf-8") as f:
            text = f.read()
    bad = []
    for entry in text.split("\n\n"):
        where = " ".join(re.findall(r"^#: (.*)$", entry, re.M)).split()
        for head, rest in re.findall(r'^msgid(?:_plural)? "(.*)"\n((?:".*"\n?)*)', entry, re.M):
            msgid = head + "".join(re.findall(r'^"(.*)"$', rest, re.M))
            # A heading like "Δ %" ends in % too: only a macro after the
            # literal at the message's place in the source makes it a cut.
            if re.search(r"%'?$", msgid.replace("%%", "")) and any(macro_follows(root, w) for w in where):
                bad.append("%s: %r" % (" ".join(where), msgid))
    for line in bad:
        print("cut by a format macro inside _():", line)
    print("%d translatable strings cut" % len(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
