"""The C allocator tuned for a long-running server (glibc on Linux; elsewhere nothing changes).

glibc gives each new thread its own arena (up to eight per core), and Streamlit runs every script
run on a new thread, so memory that pandas and numpy freed stayed spread over many arenas. Measured
with bench/bench_pages_browser.py at 100,000 customers, three sessions after every page: server RSS
754 MB with glibc's defaults, 682 MB with two arenas. Fixed trim and mmap thresholds saved another
20 MB but made first loads 0.5-0.9 s slower (every large array mapped and zeroed anew): not set.
"""

from __future__ import annotations

import ctypes
import sys

M_ARENA_MAX = -8
ARENAS = 2


def tune() -> bool:
    """Limit glibc to ``ARENAS`` arenas (cheap and idempotent); whether glibc took it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # another C library (musl) or none by that name
        return False
    return mallopt(M_ARENA_MAX, ARENAS) == 1
