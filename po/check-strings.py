#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fails when a translatable string cannot be translated whole, or (with
--complete) when a translation in po/LINGUAS lacks a string of the sources.

xgettext stops a string at a macro: _("%" G_GUINT64_FORMAT " calls") reaches
the translators as "%" and the rest is never translated.  Runs xgettext over
po/POTFILES.in (as the template is made) and lists every message that ends in
a cut conversion ("%" or "%'"), with its source line.

With --complete, the C sources and .ui templates are extracted the same way
and merged into each po/LANG.po: every message left untranslated or fuzzy is
listed (a stale timecapsule.pot hides them from msgfmt --check).

usage: check-strings.py [--complete] SOURCE_ROOT
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


def extract(root, files, pot):
    """The template of FILES (C with glib's keywords; .ui as Glade)."""
    subprocess.check_call(["xgettext", "--from-code=UTF-8", "--keyword=_", "--keyword=N_",
                           "--keyword=C_:1c,2", "--keyword=NC_:1c,2", "--keyword=g_dngettext:2,3",
                           "--keyword=ngettext:1,2", "--no-wrap", "-o", pot] + files, cwd=root)
    with open(pot, encoding="utf-8") as f:
        return f.read()


def source_files(root):
    with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def check_complete(root):
    """Lists the messages each translation lacks; returns how many."""
    files = [f for f in source_files(root) if f.endswith((".c", ".ui"))]
    with open(os.path.join(root, "po", "LINGUAS"), encoding="utf-8") as f:
        langs = f.read().split()
    missing = 0
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "all.pot")
        extract(root, files, pot)
        for lang in langs:
            merged = os.path.join(tmp, lang + ".po")
            subprocess.check_call(["msgmerge", "--quiet", "--no-wrap", "-o", merged,
                                   os.path.join(root, "po", lang + ".po"), pot])
            for flag, what in (("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")):
                out = subprocess.run(["msgattrib", flag, "--no-obsolete", "--no-wrap", merged],
                                     check=True, capture_output=True, text=True).stdout
                for msgid in re.findall(r'^msgid "(.+)"$', out, re.M):
                    print("%s: %s: %r" % (lang, what, msgid))
                    missing += 1
    print("%d messages untranslated or fuzzy" % missing)
    return missing


def main():
    if sys.argv[1] == "--complete":
        return 1 if check_complete(sys.argv[2]) else 0
    root = sys.argv[1]
    files = source_files(root)
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "check.pot")
        text = extract(root, [f for f in files if f.endswith(".c")], pot)
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
