# SPDX-License-Identifier: MIT
"""Locals capture: the seed's smart repr (spec §6.4), sizes, skip rules."""

import fnmatch
import math
import os
import re
import sys
import threading
import types

from ._bounded_repr import bounded_repr, text_head_repr, writes_bounded
from ._recorder import library_summary

OWN_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep

_SKIP_TYPES = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
               types.MethodType, type)
_CONTAINERS = (list, dict, tuple, set, frozenset)
_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))

REPR_LIMIT = 500
CONTAINER_REPR_LIMIT = 120


def is_skipped(value):
    if isinstance(value, _SKIP_TYPES) or isinstance(value, _LOCK_TYPES):
        return True
    if isinstance(value, threading.Thread):
        return True
    if callable(value) and not isinstance(value, _CONTAINERS):
        return True
    return False


def _cut(text, limit):
    if len(text) > limit:
        return text[:limit] + "\u2026", True
    return text, False


def _plain_repr(value, repr_fn=repr):
    try:
        return repr_fn(value)
    except Exception:
        try:
            return "<%s id=0x%x>" % (type(value).__name__, id(value))
        except Exception:
            return "<unrepresentable>"


def _head_text(value, limit):
    """(text, cut) of a value: its repr's first `limit` characters, the
    rest of a container's never formatted."""
    return _cut(_plain_repr(value, lambda v: bounded_repr(v, limit)), limit)


def _container_text(value):
    return _head_text(value, CONTAINER_REPR_LIMIT)


def _len_text(value):
    try:
        return "%d" % len(value)
    except Exception:
        return "?"


# Stored as the value of a local whose repr had a secret redacted: the C
# side keeps no structured value for an object it does not know.
NO_VALUE = object()


def smart_repr(value):
    """(repr, truncated): smart_repr_checked without the third item."""
    return smart_repr_checked(value)[:2]


def smart_repr_checked(value):
    """Return (repr, truncated, redacted) following the seed's rules.

    numpy/pandas/torch objects are summarised from their attributes without
    importing those libraries.  Never raises: the value's own __len__,
    __repr__ or __class__ may fail, and a snapshot must not break the
    program.  With redaction on, `name=value` / `'name': value` pairs with
    secret-looking names in the text are redacted too (an object's repr may
    show its password attribute)."""
    try:
        text, cut = _smart_repr(value)
    except Exception:
        return "<%s>" % type(value).__name__, False, False
    redacted = False
    if _redact_on and text:
        shown = redact_text(text)
        redacted = shown != text
        text = shown
    return text, cut, redacted


# ---------------------------------------------------------------------------
# Record-time redaction: a recording never holds the values of variables
# (or dict keys, or name=value pairs in a repr) whose names look like
# secrets.  Words that are secrets wherever they appear in a name match as
# substrings ("db_password", "mysecret", "XSRF-TOKEN" via "token" below);
# short ones that are also parts of ordinary words match as whole words of
# the name only ("auth_token" and "authToken" but not "author"; "token" but
# not "tokens" or "tokenizer"; "pwd" but not "cwd").

REDACTED = "<redacted>"
_SUBSTRINGS = frozenset((
    "password", "passwd", "passphrase", "secret", "credential", "apikey",
    "privatekey", "accesskey", "sessionid", "sessionkey", "authorization",
    "cookie", "csrf", "xsrf"))
_WORDS = frozenset(("pwd", "token", "auth", "jwt", "bearer", "otp"))
_WORD_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_SEP_RE = re.compile(r"[_\-\s.]+")

_redact_on = True
_extra_substrings = frozenset()
_extra_globs = ()
_name_cache = {}


def set_redaction(redact):
    """record(redact=…): True for the default rules, False for none, or an
    iterable of more names (matched like the built-in words, as substrings
    of a name, case-insensitive) and glob patterns ("*_pin", "x?")."""
    global _redact_on, _extra_substrings, _extra_globs
    _name_cache.clear()
    _extra_substrings, _extra_globs = frozenset(), ()
    if redact is False or redact is None:
        _redact_on = False
        return
    _redact_on = True
    if redact is True:
        return
    if isinstance(redact, str):
        redact = [redact]
    subs, globs = set(), []
    for entry in redact:
        entry = str(entry).lower()
        if any(c in entry for c in "*?["):
            globs.append(entry)
        elif entry:
            subs.add(_SEP_RE.sub("", entry))
    _extra_substrings, _extra_globs = frozenset(subs), tuple(globs)


def redacting():
    return _redact_on


def redaction_needles():
    """What _secret_name looks for, for the recorder's C pre-check of a
    return value's repr: every name it calls secret holds one of these once
    lowercased and stripped of separators (a word of _WORDS is a piece of
    the name too).  None when glob patterns are in the rules: a glob
    matches names that hold none of them."""
    if not _redact_on or _extra_globs:
        return None
    return tuple(sorted(_SUBSTRINGS | _WORDS | _extra_substrings))


def is_secret_name(name):
    if not _redact_on or not isinstance(name, str):
        return False
    hit = _name_cache.get(name)
    if hit is None:
        hit = _secret_name(name)
        if len(_name_cache) < 10000:
            _name_cache[name] = hit
    return hit


def _secret_name(name):
    lowered = name.lower()
    squashed = _SEP_RE.sub("", lowered)
    if any(w in squashed for w in _SUBSTRINGS) \
            or any(w in squashed for w in _extra_substrings):
        return True
    words = [w.lower() for w in _WORD_RE.findall(name)]
    if any(w in _WORDS for w in words):
        return True
    return any(fnmatch.fnmatchcase(lowered, g) for g in _extra_globs)


def redact(name, value):
    """The value to record for variable `name`: REDACTED for a secret name,
    else the value itself or, when a dict inside it has secret keys, a copy
    with those values redacted."""
    if not _redact_on:
        return value
    if is_secret_name(name):
        return REDACTED
    try:
        return _redact_inside(value, 0)
    except Exception:
        return REDACTED   # cannot look inside: never risk showing a secret


def redact_return_value(value):
    """A return value, redacted from inside a call hook (tc-recorder-call-
    values.c): like redact() under an ordinary name, but it looks only into
    exact dicts, lists and tuples and rebuilds a dict only under keys of
    builtin types, so none of the program's code (a __hash__, an items()
    override) runs.  What it cannot see into is left to the text
    redaction of the safe repr."""
    try:
        return _redact_inside(value, 0, True)
    except Exception:
        return REDACTED


_REDACT_DEPTH = 6      # deeper than any container repr that fits the limit
_REDACT_ITEMS = 64     # per container: as many as a 120-char repr can show
_PLAIN_KEYS = (str, int, float, bytes, bool, type(None))


def _redact_inside(value, depth, exact=False):
    if depth > _REDACT_DEPTH:
        return value
    if type(value) is dict if exact else isinstance(value, dict):
        new = None
        for i, (k, v) in enumerate(value.items()):
            if i >= _REDACT_ITEMS:
                break
            if exact and type(k) not in _PLAIN_KEYS:
                continue
            nv = (REDACTED if is_secret_name(k)
                  else _redact_inside(v, depth + 1, exact))
            if nv is not v:
                if new is None:
                    new = value.copy()
                new[k] = nv
        return value if new is None else new
    if type(value) in (list, tuple):
        items = list(value[:_REDACT_ITEMS])
        changed = False
        for i, v in enumerate(items):
            nv = _redact_inside(v, depth + 1, exact)
            if nv is not v:
                items[i] = nv
                changed = True
        if not changed:
            return value
        items += list(value[_REDACT_ITEMS:])
        return items if type(value) is list else tuple(items)
    return value


# name=value, 'name': value, or a ('name', value) pair: an OrderedDict's
# repr up to 3.11, a list of headers.
_PAIR_RE = re.compile(r"""([A-Za-z_][\w\-]*)(['"]?\s*[=:]\s*)"""
                      r"""|\((['"])([A-Za-z_][\w\-]*)\3,\s*""")
# An unquoted value ends before a closing quote that ends the text or a
# field ("x='host=db password=pw'" keeps its last quote).
_VALUE_RE = re.compile(r"""'[^']*'|"[^"]*"|[^\s,;)}\]&{\[(][^\s,;)}\]&]*?"""
                       r"""(?=['"]?(?:[\s,;)}\]&]|$))""")
# A value that opens a bracket, maybe after a name: [..], {..}, (..),
# Creds(..), defaultdict(..).
_BRACKETED_RE = re.compile(r"""[A-Za-z_][\w.]*(?=[(\[{])|(?=[(\[{])""")


def _bracket_end(text, pos):
    """The end of the bracket opened at text[pos] (quoted text inside
    skipped), or of the text when it was cut before it closes."""
    depth = 0
    i = pos
    while i < len(text):
        ch = text[i]
        if ch in "'\"":
            i += 1
            while i < len(text) and text[i] != ch:
                i += 2 if text[i] == "\\" else 1
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def _value_end(text, start):
    """Where the value that starts at text[start] ends: a quoted text, a
    bracketed or called value through its closing bracket, a bare token;
    None when there is none."""
    b = _BRACKETED_RE.match(text, start)
    if b is not None:
        return _bracket_end(text, b.end())
    v = _VALUE_RE.match(text, start)
    return v.end() if v is not None and v.end() > start else None


def _closes_pair(text, pos):
    """Whether a tuple's second item ending at `pos` is its last."""
    rest = text[pos:].lstrip()
    return rest == "" or rest[0] in ")\u2026"


def redact_text(text):
    """name=value and 'name': value pairs in a repr (or a URL's query), and
    ('name', value) tuples: the value of a secret-looking name is redacted,
    a container or an object written as Name(...) whole.  Values of other
    names are scanned too (a quoted URL may hold ?token=..., a container a
    secret key)."""
    if not _redact_on or ("=" not in text and ":" not in text
                          and "('" not in text and '("' not in text):
        return text
    out = []
    pos = 0
    while True:
        m = _PAIR_RE.search(text, pos)
        if m is None:
            break
        # The value's end only for a secret name (a bracketed value is
        # scanned to its end).  A value redacted already ('password':
        # '<redacted>' of a dict redacted before its repr) stays as it is.
        name = m.group(1) or m.group(4)
        end = _value_end(text, m.end()) if is_secret_name(name) else None
        if end is not None and m.group(4) and not _closes_pair(text, end):
            end = None   # ('password', 'email', ...): names, not a pair
        if end is not None and text[m.end():end].strip("'\"") != REDACTED:
            out.append(text[pos:m.end()])
            out.append(REDACTED)
            pos = end
        else:
            out.append(text[pos:m.end()])
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _smart_repr(value):
    tname = type(value).__name__
    module = type(value).__module__ or ""
    if tname == "ndarray" and module.startswith("numpy"):
        try:
            try:
                return ("ndarray(%s) %s min=%.4g max=%.4g mean=%.4g"
                        % (value.shape, value.dtype, value.min(), value.max(),
                           value.mean()), False)
            except Exception:
                return "ndarray(%s) %s" % (value.shape, value.dtype), False
        except Exception:
            pass
    else:
        # pandas and torch objects and numpy's scalars: the summary they
        # get inside a container too (tc-recorder-values.c).
        summary = library_summary(value)
        if summary is not None:
            return summary, False
    if isinstance(value, (list, tuple)):
        text, cut = _container_text(value)
        return "%s[%s] %s" % (tname, _len_text(value), text), cut
    if isinstance(value, dict):
        text, cut = _container_text(value)
        return "dict[%s] %s" % (_len_text(value), text), cut
    if isinstance(value, (set, frozenset)):
        text, cut = _container_text(value)
        return "%s[%s] %s" % (tname, _len_text(value), text), cut
    if type(value) in (str, bytes) and len(value) > REPR_LIMIT:
        return _cut(text_head_repr(value, REPR_LIMIT), REPR_LIMIT)
    if writes_bounded(value):   # a deque
        return _head_text(value, REPR_LIMIT)
    return _cut(_plain_repr(value), REPR_LIMIT)


def approx_size(value):
    try:
        size = sys.getsizeof(value)
        if isinstance(value, (list, tuple)):
            for item in value[:50]:
                size += sys.getsizeof(item)
        elif isinstance(value, dict):
            for i, (k, v) in enumerate(value.items()):
                if i >= 50:
                    break
                size += sys.getsizeof(k) + sys.getsizeof(v)
        return size
    except Exception:
        return 0


def is_own_frame(frame):
    return frame.f_code.co_filename.startswith(OWN_DIR)


def is_launcher_frame(frame):
    """A frame of the program's launching rather than of the program: ours
    (`timecapsule run`) or runpy's (`python -m`, `timecapsule run`).  runpy
    by module name: 3.11+ freezes it ("<frozen runpy>" as its file name)."""
    return is_own_frame(frame) or frame.f_globals.get("__name__") == "runpy"


def stack_of(frame, limit=32):
    """(code, line) pairs innermost first, without the recorder's frames."""
    out = []
    while frame is not None and len(out) < limit:
        if not is_own_frame(frame):
            out.append((frame.f_code, frame.f_lineno or 0))
        frame = frame.f_back
    return out


def is_float_problem(value):
    return isinstance(value, float) and (math.isnan(value)
                                         or math.isinf(value))
