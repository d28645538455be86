"""The C allocator tuned for a long-running server (glibc on Linux; elsewhere nothing changes).

Measured with bench/bench_pages_browser.py at 100,000 customers, three sessions after every page:
server RSS 754 MB as glibc comes, 678 MB with these settings (set from app.py). glibc gives each new thread its own
arena (up to 8 per core) and raises its threshold for returning large blocks after the first one
is freed, so memory that pandas and numpy freed stayed with the process. Two arenas and fixed
thresholds give it back.
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8
SETTINGS = ((M_ARENA_MAX, 2), (M_MMAP_THRESHOLD, 1 << 20), (M_TRIM_THRESHOLD, 4 << 20))


def tune() -> bool:
    """Apply ``SETTINGS`` (cheap and idempotent); whether glibc took them all."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # another C library (musl) or none by that name
        return False
    return all(mallopt(parameter, value) == 1 for parameter, value in SETTINGS)
