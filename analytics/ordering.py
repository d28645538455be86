"""Orders and ranks of large float columns, near numpy's sort speed.

``np.argsort`` of 10,000,000 floats takes several times as long as ``np.sort`` (which is
vectorized), and the cold paths of the value model and the 80/20 view order a few such columns.
:func:`argsort` sorts 64-bit integers that carry a value's leading bits above its row position,
so one ``np.sort`` orders the rows; only rows whose values share their leading bits (a few
thousand among ten million, or exact ties) are looked at again and put in value order.
:func:`average_ranks` ranks values on a small grid (ratings, counts, means of a few ratings) by
counting, in linear time, and other values from that order; :func:`percentile_scores` turns
those ranks into 0-100 scores (the value dimensions' scores). :func:`positions_at_ranks` finds
which rows hold a few ranks of a column already sorted by ``np.sort``, in a few linear passes, so
a ranking that names only some customers needs no order of all of them.
:func:`customer_id_order` puts the per-customer rows in id order once, checking the ids on the way
(in Arrow, never as Python strings).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_LOW_BITS = np.int64(0x7FFFFFFFFFFFFFFF)
# Ratings, counts and means of up to six of them lie on a grid of 1/60: ranked by counting.
GRID = 60
MAX_GRID_CELLS = 10_000_000
_MAX_POSITION_BITS = 40
# positions_at_ranks marks the wanted values in a table of 2**20 hashed slots (1 MB, in cache).
_HASH_BITS = 20
_HASH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_HASH_BLOCK = 1 << 16
# Rows a block-at-a-time step works on: 2 MB of 64-bit values, in cache.
_BLOCK = 1 << 18
# The 0-100 score of a value with nothing to rank it against: the middle.
MIDDLE_PERCENTILE = 50.0


def _ordered_keys(values: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Signed 64-bit integers in the order of the floats (``-0.0`` counted as ``0.0``)."""
    bits = np.add(values, 0.0, out=None if out is None else out.view(np.float64)).view(np.int64)
    negative = bits >> 63
    negative &= _LOW_BITS
    bits ^= negative  # negative floats: their other bits reversed
    return bits


class Scratch:
    """Work arrays reused from one call to the next on one thread (``percentile_scores`` of several
    columns): at 10,000,000 rows, memory touched for the first time costs more than the work done
    on it (a page fault per page; on a virtual machine, many times more)."""

    def __init__(self):
        self._arrays: dict[str, np.ndarray] = {}

    def array(self, name: str, size: int, dtype) -> np.ndarray:
        held = self._arrays.get(name)
        if held is None or held.size < size or held.dtype != dtype:
            held = self._arrays[name] = np.empty(size, dtype=dtype)
        return held[:size]


def _sorted_positions(values: np.ndarray, scratch: Scratch | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Positions that sort ``values`` ascending, and for each sorted neighbour pair whether the two
    values are equal. The positions are in ``scratch`` when it is given."""
    n = values.size
    shift = max(int(n - 1).bit_length(), 1)
    if shift > _MAX_POSITION_BITS:
        order = np.argsort(values, kind="stable")
        ordered = values[order]
        return order, ordered[1:] == ordered[:-1]
    # Built, and later read, a block at a time: the temporaries stay in cache, and the one 10M-row
    # array made is the one sorted (fresh memory costs as much as a pass over it).
    packed = np.empty(n, dtype=np.int64) if scratch is None else scratch.array("keys", n, np.int64)
    for start in range(0, n, _BLOCK):
        block = _ordered_keys(values[start:start + _BLOCK], out=packed[start:start + _BLOCK])
        block >>= shift
        block <<= shift
        block |= np.arange(start, start + block.size, dtype=np.int64)
    packed.sort()
    shared = []  # sorted positions whose value shares its leading bits with the next one's
    for start in range(0, max(n - 1, 0), _BLOCK):
        stop = min(start + _BLOCK, n - 1)
        differing = packed[start + 1:stop + 1] ^ packed[start:stop]
        differing >>= shift
        shared.append(np.flatnonzero(differing == 0) + start)
    shared = np.concatenate(shared) if shared else np.empty(0, dtype=np.int64)
    order = packed
    order &= np.int64((1 << shift) - 1)
    equal_next = np.zeros(max(n - 1, 0), dtype=bool)
    if shared.size:  # rows whose values share their leading bits: order them by the full value
        rows = np.union1d(shared, shared + 1)
        full = _ordered_keys(values[order[rows]])
        groups = full >> shift
        if (np.diff(full)[np.diff(groups) == 0] < 0).any():
            within = np.lexsort((full, groups))
            order[rows], full = order[rows][within], full[within]
        neighbours = np.flatnonzero((np.diff(rows) == 1) & (full[1:] == full[:-1]))
        equal_next[rows[neighbours]] = True
    return order, equal_next


def argsort(values) -> np.ndarray:
    """Positions that sort ``values`` (no NaN) ascending, as ``np.argsort(values, kind="stable")``:
    ties in input order, since the row position is the last part of every sorted key."""
    return _sorted_positions(np.ascontiguousarray(values, dtype=float))[0]


def _grid_ranks(values: np.ndarray, valid: int, out: np.ndarray, finish, scratch: Scratch,
                unknown_rank: float = np.nan) -> np.ndarray | None:
    """``finish`` of the 0-based average ranks of ``values`` on a grid of 1/``GRID`` (one value per
    cell), written to ``out`` with ``unknown_rank`` where a value is NaN; None when they are not on
    such a grid.

    Counted, in linear time, with no sort: a block of rows at a time (its temporaries stay in cache),
    so the values are read twice and ``out`` written once. ``finish`` maps the ranks of the cells in
    place, before they are spread over the rows. ``valid`` is the number of values that are not NaN."""
    low, high = float(np.fmin.reduce(values)), float(np.fmax.reduce(values))
    span = (high - low) * GRID
    if not span <= min(MAX_GRID_CELLS, max(4 * valid, 1024)):
        return None
    unknown_cell = int(np.rint(span)) + 1  # the cell of NaN values, after the last one
    cells = scratch.array("keys", values.size, np.intp)
    work = scratch.array("grid block", min(_BLOCK, values.size), float)
    representative = np.empty(unknown_cell + 1)
    for start in range(0, values.size, _BLOCK):
        block, block_cells = values[start:start + _BLOCK], cells[start:start + _BLOCK]
        scaled = np.subtract(block, low, out=work[:block.size])
        scaled *= GRID
        np.rint(scaled, out=scaled)
        np.fmin(scaled, unknown_cell, out=scaled)  # NaN to its cell (np.nan_to_num: four times as long)
        np.copyto(block_cells, scaled, casting="unsafe")  # never decreasing in the value
        representative[block_cells] = block
    counts = np.bincount(cells, minlength=unknown_cell + 1)[:-1]
    below = np.cumsum(counts) - counts
    cell_ranks = np.append(finish(below + (counts - 1) / 2.0), unknown_rank)
    matching = 0  # values equal to their cell's representative: every one that is not NaN, on a grid
    for start in range(0, values.size, _BLOCK):
        block_cells = cells[start:start + _BLOCK]
        np.take(cell_ranks, block_cells, out=out[start:start + _BLOCK])
        matching += np.count_nonzero(np.take(representative, block_cells, out=work[:block_cells.size])
                                     == values[start:start + _BLOCK])
    return out if matching == valid else None


def _sorted_ranks(values: np.ndarray, out: np.ndarray, finish, scratch: Scratch) -> np.ndarray:
    """``finish`` of the 0-based average ranks of finite ``values``, written to ``out``, from their
    sorted order (``finish`` as in ``_grid_ranks``: on the ranks of the tie groups when there are ties)."""
    order, equal_next = _sorted_positions(values, scratch)
    starts = np.flatnonzero(np.concatenate(([True], ~equal_next))) if equal_next.any() else None
    group_ranks = None if starts is None else finish((2 * starts + np.diff(np.append(starts, values.size)) - 1) / 2.0)
    # Spread a block of sorted positions at a time (no 10M-row array of ranks): without ties (money,
    # mostly) a value's rank is its sorted position, with ties the average position of its group.
    for start in range(0, values.size, _BLOCK):
        positions = np.arange(start, min(start + _BLOCK, values.size))
        if group_ranks is None:
            out[order[start:start + _BLOCK]] = finish(positions.astype(float))
        else:
            out[order[start:start + _BLOCK]] = group_ranks[np.searchsorted(starts, positions, side="right") - 1]
    return out


def average_ranks(values) -> np.ndarray:
    """1-based ranks of finite ``values``, ties sharing their average rank (``scipy.stats.rankdata``)."""
    values = np.ascontiguousarray(values, dtype=float)
    if values.size == 0:
        return np.empty(0)
    out, scratch = np.empty(values.size), Scratch()

    def one_based(ranks: np.ndarray) -> np.ndarray:
        return np.add(ranks, 1.0, out=ranks)

    if _grid_ranks(values, values.size, out, one_based, scratch) is None:
        _sorted_ranks(values, out, one_based, scratch)
    return out


def percentile_scores(values, out: np.ndarray | None = None, scratch: Scratch | None = None,
                      unknown_score: float = np.nan) -> np.ndarray:
    """0-100 percentile rank by average rank: robust to outliers, ties share a score.

    NaN values are excluded from the ranking and score ``unknown_score`` (NaN unless given). The
    lowest value scores 0, the highest 100; a single or constant value scores ``MIDDLE_PERCENTILE``.
    Written to ``out`` when given (a row of a larger array, say); ``scratch`` holds the work arrays
    of a thread that scores several columns.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"expected a 1-d array, got shape {values.shape}")
    out = np.empty(values.size) if out is None else out
    scratch = Scratch() if scratch is None else scratch
    known = np.isnan(values, out=scratch.array("known", values.size, bool))
    np.logical_not(known, out=known)
    valid = np.count_nonzero(known)
    if valid <= 1:
        out[:] = np.where(known, MIDDLE_PERCENTILE, unknown_score)
        return out

    def scores(ranks: np.ndarray) -> np.ndarray:
        ranks /= valid - 1
        ranks *= 100.0
        return ranks

    if _grid_ranks(values, valid, out, scores, scratch, unknown_score) is not None:
        return out
    if valid == values.size:
        return _sorted_ranks(np.ascontiguousarray(values), out, scores, scratch)
    ranked = np.compress(known, values, out=scratch.array("known values", valid, float))
    ranks = _sorted_ranks(ranked, scratch.array("ranks", valid, float), scores, scratch)
    out[:] = unknown_score
    out[known] = ranks
    return out


def positions_at_ranks(values, descending: np.ndarray, ranks) -> np.ndarray:
    """Positions in ``values`` of the values at the 0-based ``ranks`` of ``descending`` (``values``
    sorted largest first): as ``np.argsort(-values, kind="stable")[ranks]``, ties in input order.

    Only rows holding one of the wanted values are looked at: a hashed table of the wanted values
    picks them out in one pass (with a few rows that merely share a slot, dropped after)."""
    values = np.ascontiguousarray(values, dtype=float)
    ranks = np.asarray(ranks, dtype=np.int64)
    wanted = np.unique(descending[ranks] + 0.0)  # ascending; -0.0 counted as 0.0
    slots = np.zeros(1 << _HASH_BITS, dtype=bool)
    slots[_hash_slots(np.append(wanted, -0.0) if (wanted == 0.0).any() else wanted)] = True
    # A block of rows at a time: the hashes stay in cache, and no 10M-row array is made for them.
    rows = np.concatenate([np.flatnonzero(slots[_hash_slots(values[start:start + _HASH_BLOCK])]) + start
                           for start in range(0, values.size, _HASH_BLOCK)] or [np.empty(0, dtype=np.int64)])
    found = np.minimum(np.searchsorted(wanted, values[rows]), wanted.size - 1)
    exact = wanted[found] == values[rows]
    rows, found = rows[exact], found[exact]
    rows = rows[np.argsort(-found, kind="stable")]  # largest wanted value first, ties in input order
    after = np.cumsum(np.bincount(found, minlength=wanted.size)[::-1])[::-1]  # rows with this value or larger
    at = np.searchsorted(wanted, descending[ranks] + 0.0)
    larger_in_rows = np.append(after[1:], 0)[at]
    larger_in_all = descending.size - np.searchsorted(descending[::-1], descending[ranks], side="right")
    return rows[larger_in_rows + ranks - larger_in_all]


def _hash_slots(values: np.ndarray) -> np.ndarray:
    """Each float's slot in a table of 2**_HASH_BITS: the leading bits of its bits times a constant.
    Handed out as int64 (they fit), which indexes without the conversion uint64 costs."""
    slots = values.view(np.uint64) * _HASH_MULTIPLIER
    slots >>= np.uint64(64 - _HASH_BITS)
    return slots.view(np.int64)


def customer_id_order(features: pd.DataFrame) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray | None]:
    """The customer ids in ascending order, as pandas' Arrow-backed ``str`` array, and the row order
    that sorts the features (None when they are sorted already, as ``customer_features`` returns
    them). Raises on missing or repeated ids.

    The ids stay in Arrow, checked and compared in its own code: turning ten million of them into
    Python strings took longer than all the scoring of the customers."""
    if not isinstance(features, pd.DataFrame):
        raise TypeError(f"features must be a pandas DataFrame, got {type(features).__name__}")
    if "customer_id" not in features.columns:
        raise ValueError("features need a customer_id column")
    ids = features["customer_id"]
    if ids.isna().any():
        raise ValueError("customer_id must not be missing")
    values = (ids if ids.dtype == "str" else ids.astype("str")).array
    if len(values) < 2 or (values[1:] > values[:-1]).all():  # strictly increasing: sorted and unique
        return values, None
    order = values.argsort()
    values = values.take(order)
    if (values[1:] == values[:-1]).any():
        raise ValueError("customer_id must be unique")
    return values, order
