"""Microsecond timing shared by the pure-Python benches (merge, validation, derived columns).

Each figure is the median over many batches of the mean time of one call, so a scheduler hiccup
is one outlier; calls measured together take turns batch by batch, so this machine's drift (its
speed moves from one second to the next) falls on all of them alike.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Hashable


def batch_us(call: Callable[[], object], calls: int) -> float:
    """The mean time of one call over a batch."""
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - start) / calls * 1e6


def medians_us(
    calls: dict[Hashable, Callable[[], object]], batches: int, size: int, warm_up_s: float = 0.5
) -> dict:
    """{name: median µs per call}, after `warm_up_s` of running them all (caches, the clock)."""
    deadline = time.perf_counter() + warm_up_s
    while time.perf_counter() < deadline:
        for call in calls.values():
            call()
    figures = {name: [] for name in calls}
    for _ in range(batches):
        for name, call in calls.items():
            figures[name].append(batch_us(call, size))
    return {name: statistics.median(values) for name, values in figures.items()}


def median_us(call: Callable[[], object], batches: int, size: int, warm_up_s: float = 0.5) -> float:
    return medians_us({None: call}, batches, size, warm_up_s)[None]
