# SPDX-License-Identifier: MIT
"""The warning engine (spec §4) with the spec's fixes.

De-duplication is per (code, var, metric), so METRIC_PLATEAU fires once per
metric; warnings without a var carry a location in `var` where one exists;
TRACE_SLOW is bounded per function instead of flooding."""

import collections
import math
import sys
import threading

LEVELS = {"INFO": 0, "WARN": 1, "ERROR": 2}
TRACE_SLOW_LIMIT = 20


def _key(code, var=None, metric=""):
    """What de-duplicates a warning: (code, var, metric)."""
    return (code, var or "", metric)


def raise_warning(session, code, msg, level="WARN", var=None, dedupe=True,
                  **extra):
    if session is None or not session.warn:
        return False
    key = _key(code, var, extra.get("metric", ""))
    if dedupe:
        if key in session.warn_keys:
            return False
        session.warn_keys.add(key)
    entry = {"code": code, "msg": msg, "t": round(session.elapsed(), 4),
             "level": level}
    if var is not None:
        entry["var"] = var
    entry.update(extra)
    session.warnings.append(entry)
    icon = "\U0001f534" if level == "ERROR" else "\U0001f7e1"
    try:
        sys.stderr.write("\n%s [TC] %s: %s\n" % (icon, code, msg))
        sys.stderr.flush()
    except Exception:
        pass
    if session.core is not None:
        try:
            session.core.write_warning(
                threading.get_ident(), LEVELS.get(level, 1), code, msg,
                var or "", [(k, str(v)) for k, v in extra.items()])
        except Exception:
            pass
    return True


def check_float(session, name, value):
    if not isinstance(value, float) or (math.isfinite(value)
                                        and abs(value) <= 1e15):
        return   # the usual value: no clock read, no message
    t = session.elapsed()
    if math.isnan(value):
        raise_warning(session, "NAN_DETECTED",
                      "'%s' is NaN at t=%.3fs" % (name, t), "ERROR", name)
    elif math.isinf(value):
        raise_warning(session, "INF_DETECTED",
                      "'%s' is Inf at t=%.3fs" % (name, t), "ERROR", name)
    else:
        raise_warning(session, "VERY_LARGE",
                      "'%s'=%.2e at t=%.3fs" % (name, value, t), "WARN",
                      name)


def check_array(session, name, value):
    np = sys.modules.get("numpy")
    if np is None or type(value).__name__ != "ndarray":
        return
    try:
        if bool(np.isnan(value).any()):
            raise_warning(session, "NAN_IN_ARRAY", "NaN in array '%s'" % name,
                          "ERROR", name)
        elif bool(np.isinf(value).any()):
            raise_warning(session, "INF_IN_ARRAY", "Inf in array '%s'" % name,
                          "ERROR", name)
    except Exception:
        pass


def check_plateau(session, name, value):
    """METRIC_PLATEAU (spec §4): the last 5 readings, all finite, spread
    over less than 0.1 % of the largest magnitude among them (above 0.01).
    Called on every metric() of a recording: the last 5 are kept in a
    bounded deque and read without generators (4.6 us a call became 2 on
    the session-10 machine), and a metric that warned is not checked
    again (it fires once)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    if _key("METRIC_PLATEAU", metric=name) in session.warn_keys:
        return
    last = session.metric_history.get(name)
    if last is None:
        last = session.metric_history[name] = collections.deque(maxlen=5)
    last.append(float(value))
    if len(last) < 5:
        return
    # A NaN or an infinity makes the sum non-finite; a sum that overflows
    # from finite readings is told apart by the exact test.
    if not math.isfinite(sum(last)) and not all(map(math.isfinite, last)):
        return
    lo, hi = min(last), max(last)
    m = max(-lo, hi) or 1.0   # the largest magnitude is at an end
    if (hi - lo) / m < 0.001 and m > 0.01:
        raise_warning(session, "METRIC_PLATEAU",
                      "'%s' stagnant \u2248%.4g for 5 readings" % (name, last[-1]),
                      "WARN", None, metric=name)
