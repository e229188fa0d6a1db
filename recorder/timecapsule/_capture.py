# SPDX-License-Identifier: MIT
"""Locals capture: the seed's smart repr (spec §6.4), sizes, skip rules."""

import math
import os
import sys
import threading
import types

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


def _plain_repr(value):
    try:
        return repr(value)
    except Exception:
        try:
            return "<%s id=0x%x>" % (type(value).__name__, id(value))
        except Exception:
            return "<unrepresentable>"


def _len_text(value):
    try:
        return "%d" % len(value)
    except Exception:
        return "?"


def smart_repr(value):
    """Return (repr, truncated) following the seed's rules.

    numpy/pandas/torch objects are summarised from their attributes without
    importing those libraries.  Never raises: the value's own __len__,
    __repr__ or __class__ may fail, and a snapshot must not break the
    program."""
    try:
        return _smart_repr(value)
    except Exception:
        return "<%s>" % type(value).__name__, False


def _smart_repr(value):
    tname = type(value).__name__
    module = type(value).__module__ or ""
    try:
        if tname == "ndarray" and module.startswith("numpy"):
            try:
                return ("ndarray(%s) %s min=%.4g max=%.4g mean=%.4g"
                        % (value.shape, value.dtype, value.min(), value.max(),
                           value.mean()), False)
            except Exception:
                return "ndarray(%s) %s" % (value.shape, value.dtype), False
        if tname == "DataFrame" and module.startswith("pandas"):
            return ("DataFrame(%s) cols=%s"
                    % (value.shape, list(value.columns[:5])), False)
        if tname == "Series" and module.startswith("pandas"):
            return "Series[%s] len=%d" % (value.dtype, len(value)), False
        if tname == "Tensor" and module.startswith("torch"):
            return ("Tensor(%s) %s dev=%s grad=%s"
                    % (tuple(value.shape), value.dtype, value.device,
                       value.requires_grad), False)
    except Exception:
        pass
    if isinstance(value, (list, tuple)):
        text, cut = _cut(_plain_repr(value), CONTAINER_REPR_LIMIT)
        return "%s[%s] %s" % (tname, _len_text(value), text), cut
    if isinstance(value, dict):
        text, cut = _cut(_plain_repr(value), CONTAINER_REPR_LIMIT)
        return "dict[%s] %s" % (_len_text(value), text), cut
    if isinstance(value, (set, frozenset)):
        text, cut = _cut(_plain_repr(value), CONTAINER_REPR_LIMIT)
        return "%s[%s] %s" % (tname, _len_text(value), text), cut
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
