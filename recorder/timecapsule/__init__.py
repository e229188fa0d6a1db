# SPDX-License-Identifier: MIT
"""timecapsule: record a Python program's execution into a .tc file.

    import timecapsule as tc
    tc.record()          # or: with tc.record(every=0.5): ...

The recording half (this package plus the C extension ``_recorder``) needs
nothing but the standard library.  The analysis API (``tc.load``,
``tc.report`` …) comes from ``timecapsule._analysis`` when it is built.
"""

__version__ = "0.1.0"

from ._recording import (  # noqa: F401
    record, snap, tag, metric, assert_var, watch_expr, checkpoint,
    profile_block, stop, reset, watch, breakpoint, watch_condition,
)
from ._trace import trace  # noqa: F401
from ._profile import profile, profile_report, speedtest  # noqa: F401

__all__ = [
    "record", "snap", "tag", "metric", "assert_var", "watch_expr",
    "checkpoint", "profile_block", "stop", "reset", "watch", "trace",
    "breakpoint", "watch_condition", "profile", "profile_report",
    "speedtest", "__version__",
]

try:
    from .analysis import *  # noqa: F401,F403
    from . import analysis as _analysis_api
    __all__ += [n for n in getattr(_analysis_api, "__all__", [])
                if n not in __all__]
except ImportError:
    # Recording works without GLib: the analysis extension is optional.
    pass
