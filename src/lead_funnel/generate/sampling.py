"""Vectorised random draws and the shaping of event times (office hours, weekends)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np

from .catalogues import HOUR_WEIGHTS_WORK
from .config import DAY, HOUR, MINUTE


def cumulative_weights(weights: Sequence[float] | np.ndarray) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    c = np.cumsum(w / w.sum())
    c[-1] = 1.0
    return c


def draw(rng: np.random.Generator, weights: Sequence[float] | np.ndarray, size: int) -> np.ndarray:
    """Categorical draw (index into weights) for `size` rows."""
    return np.searchsorted(cumulative_weights(weights), rng.random(size), side="right").astype(
        np.int16
    )


def draw_rows(rng: np.random.Generator, matrix: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Categorical draw per row, each from its own row of a probability matrix."""
    cdf = np.cumsum(matrix / matrix.sum(axis=1, keepdims=True), axis=1)
    cdf[:, -1] = 1.0
    u = rng.random(rows.size)
    return (u[:, None] >= cdf[rows]).sum(axis=1).astype(np.int16)


def lognormal_s(
    rng: np.random.Generator,
    median_s: float,
    sigma: float,
    size: int,
    low: int = MINUTE,
    high: int = 400 * DAY,
) -> np.ndarray:
    """Log-normal durations in whole seconds, clipped to [low, high]."""
    x = rng.lognormal(np.log(median_s), sigma, size)
    return np.clip(x, low, high).astype(np.int64)


def trunc_exp_s(rng: np.random.Generator, mean_s: float, limit_s: np.ndarray) -> np.ndarray:
    """Exponential offsets with the given mean, truncated to [0, limit] (exactly, by inversion)."""
    limit = np.maximum(limit_s, 0).astype(np.float64)
    u = rng.random(limit.size)
    x = -mean_s * np.log1p(-u * -np.expm1(-limit / mean_s))
    return np.minimum(x, limit).astype(np.int64)


def pick_exact(rng: np.random.Generator, logit: np.ndarray, share: float) -> np.ndarray:
    """Exactly round(share * n) rows, drawn without replacement with odds exp(logit)
    (Gumbel top-k): the step rate is exact, who converts still follows quality."""
    n = logit.size
    k = round(share * n)
    chosen = np.zeros(n, dtype=bool)
    if k <= 0:
        return chosen
    keys = logit - logit.mean() + rng.gumbel(size=n)
    chosen[np.argsort(-keys, kind="stable")[:k]] = True
    return chosen


def weekday(day: np.ndarray) -> np.ndarray:
    """0 = Monday .. 6 = Sunday for days since 1970-01-01 (a Thursday)."""
    return (day + 3) % 7


def diurnal(
    rng: np.random.Generator,
    t: np.ndarray,
    tz_s: np.ndarray,
    share: float,
    weekend_keep: float = 0.45,
) -> np.ndarray:
    """Re-draw the local time of day from office-hour weights for a share of events and move
    most weekend events to the following Monday (the caller keeps the result in bounds)."""
    n = t.size
    local = t + tz_s
    day = local // DAY
    apply = rng.random(n) < share
    dow = weekday(day)
    move = apply & (dow >= 5) & (rng.random(n) >= weekend_keep)
    day = day + np.where(move, 7 - dow + rng.integers(0, 5, n), 0)
    hour = np.searchsorted(cumulative_weights(HOUR_WEIGHTS_WORK), rng.random(n), side="right")
    sod = hour * HOUR + rng.integers(0, HOUR, n)
    return np.where(apply, day * DAY + sod, local) - tz_s


def bounded(
    candidate: np.ndarray, t: np.ndarray, low: np.ndarray, high: np.ndarray | int
) -> np.ndarray:
    """Use the candidate time where it stays inside [low, high], else keep t."""
    return np.where((candidate >= low) & (candidate <= high), candidate, t)


def office_forward(
    rng: np.random.Generator, t: np.ndarray, tz_s: np.ndarray, share: float
) -> np.ndarray:
    """Move a share of events outside office hours (Mon-Fri 08-18 local) forward to the next
    working morning: reps work office hours. Only ever moves later (order is preserved)."""
    n = t.size
    local = t + tz_s
    day = local // DAY
    sod = local - day * DAY
    dow = weekday(day)
    outside = (dow >= 5) | (sod < 8 * HOUR) | (sod >= 18 * HOUR)
    shift = outside & (rng.random(n) < share)
    next_day = np.where((sod >= 18 * HOUR) | (dow >= 5), day + 1, day)
    nd = weekday(next_day)
    next_day = next_day + np.where(nd == 5, 2, np.where(nd == 6, 1, 0))
    moved = next_day * DAY + 8 * HOUR + rng.integers(0, 3 * HOUR, n) - tz_s
    return np.where(shift, np.maximum(moved, t + 1), t)


def in_office(t: np.ndarray, tz_s: np.ndarray) -> np.ndarray:
    local = t + tz_s
    day = local // DAY
    sod = local - day * DAY
    return (weekday(day) < 5) & (sod >= 8 * HOUR) & (sod < 17 * HOUR)


def spread(
    rng: np.random.Generator, counts: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`counts[i]` events uniformly in (start[i], end[i]]: (owner row index, time)."""
    owner = np.repeat(np.arange(counts.size), counts)
    span = np.maximum(end - start, 1)[owner]
    t = start[owner] + 1 + (rng.random(owner.size) * span).astype(np.int64)
    return owner, t


def slug(text: str) -> str:
    """ASCII, lower case, letters and digits only (for e-mail addresses and domains)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


class Rows:
    """Accumulates event rows from vectorised steps; concatenated once at the end."""

    def __init__(self, *fields_: str) -> None:
        self.parts: dict[str, list[np.ndarray]] = {f: [] for f in fields_}

    def add(self, **columns: np.ndarray | int) -> None:
        sizes = [np.size(v) for v in columns.values() if np.ndim(v) > 0]
        size = max(sizes) if sizes else 1
        for name in self.parts:
            value = columns.get(name, -1)
            arr = np.asarray(value)
            self.parts[name].append(np.broadcast_to(arr, (size,)) if arr.ndim == 0 else arr)

    def concat(self) -> dict[str, np.ndarray]:
        return {
            name: np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)
            for name, parts in self.parts.items()
        }
