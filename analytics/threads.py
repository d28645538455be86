"""Work spread over the machine's cores on threads.

numpy sorts, gathers and elementwise passes over large arrays run without holding the GIL, so
independent columns of ten million rows (the 80/20 metrics, the value dimensions) are worked on
side by side on threads: no processes, no copies of the arrays.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_on_cores(function: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """``[function(item) for item in items]``, on as many threads as there are cores (and items).
    An exception of one call is raised here, as the loop would."""
    items = list(items)
    if len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=max(1, min(len(items), os.cpu_count() or 1))) as pool:
        return list(pool.map(function, items))
