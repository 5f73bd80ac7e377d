"""Small helpers that build pyarrow string columns from numpy arrays, and weighted draws.

Every feed is built column-wise: these turn index arrays, numbers and dates into the text columns
departments deliver, with nulls for empty values.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

STRING = pa.string()


def pick(pool: Sequence[str], index: np.ndarray) -> pa.Array:
    """pool[index] as a string column."""
    return pa.array(list(pool), STRING).take(pa.array(index, pa.int64()))


def cat(*parts, sep: str = "", skip_nulls: bool = False) -> pa.Array:
    """Element-wise concatenation; str parts broadcast. Null in, null out unless skip_nulls."""
    return pc.binary_join_element_wise(*parts, sep, null_handling="skip" if skip_nulls else "emit_null")


def where(mask: np.ndarray, values, otherwise=None) -> pa.Array:
    """values where mask, else otherwise (null by default)."""
    other = otherwise if otherwise is not None else pa.scalar(None, STRING)
    return pc.if_else(pa.array(mask, pa.bool_()), values, other)


def flags(values: pa.Array) -> np.ndarray:
    """A boolean column as numpy, null counting as False."""
    return pc.fill_null(values, False).to_numpy(zero_copy_only=False)


def text(numbers: np.ndarray, width: int = 0) -> pa.Array:
    out = pc.cast(pa.array(numbers, pa.int64()), STRING)
    return pc.utf8_lpad(out, width, "0") if width else out


def iso(dates: np.ndarray) -> pa.Array:
    """YYYY-MM-DD (NaT → null)."""
    return pc.cast(pa.array(dates.astype("datetime64[D]")), STRING)


def compact(dates: np.ndarray) -> pa.Array:
    return pc.replace_substring(iso(dates), "-", "")


def wan(yuan: np.ndarray) -> pa.Array:
    """An amount in yuan as 万元 text: 25000 → 2.5, 1000000 → 100, 50 → 0.005."""
    whole = text(yuan // 10000)
    fraction = pc.utf8_rtrim(text(yuan % 10000, 4), characters="0")
    return pc.if_else(pc.equal(fraction, ""), whole, cat(whole, ".", fraction))


def weights(values) -> np.ndarray:
    w = np.asarray(list(values), dtype=float)
    return w / w.sum()


def choose(rng: np.random.Generator, options: dict[str, float], n: int) -> np.ndarray:
    """Index into options (a value → weight mapping) for n draws."""
    return rng.choice(len(options), size=n, p=weights(options.values()))


def allocate(total: int, shares: Sequence[float], minimum: int = 1) -> np.ndarray:
    """Split total by shares (largest remainder), each part at least `minimum` when there is room."""
    shares = np.asarray(shares, dtype=float) / sum(shares)
    counts = np.floor(shares * total).astype(int)
    if total >= minimum * len(shares):
        counts = np.maximum(counts, minimum)
    while counts.sum() > total:
        counts[np.argmax(counts)] -= 1
    order = np.argsort(-(shares * total - np.floor(shares * total)), kind="stable")
    for i in order[: total - counts.sum()]:
        counts[i] += 1
    return counts


def ranks_within(*keys: np.ndarray, order: np.ndarray) -> np.ndarray:
    """1-based rank of each row within its group of equal keys, by `order` (serial numbers)."""
    sort = np.lexsort((order,) + tuple(reversed(keys)))
    starts = np.ones(len(sort), dtype=bool)
    for key in keys:
        k = key[sort]
        starts[1:] &= k[1:] == k[:-1]
    starts = ~starts
    starts[:1] = True
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(sort)), 0))
    ranks = np.empty(len(sort), dtype=np.int64)
    ranks[sort] = np.arange(len(sort)) - group_start + 1
    return ranks
