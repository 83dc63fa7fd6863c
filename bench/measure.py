"""Timing and query counting.

Timings are taken without CaptureQueriesContext: it records every statement, which would
add its own cost to the engine's side only. Query counts come from separate runs.
"""

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Series:
    """Wall-clock durations (seconds) of repeated runs of one operation, plus what it reported."""

    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    notes: dict = field(default_factory=dict)

    def summary(self) -> dict:
        ms = sorted(s * 1000 for s in self.seconds)
        out = {
            "n": len(ms),
            "median_ms": round(statistics.median(ms), 3),
            "p95_ms": round(_percentile(ms, 0.95), 3),
            "min_ms": round(ms[0], 3),
            "max_ms": round(ms[-1], 3),
        }
        if self.queries:
            out["queries"] = max(self.queries)
            out["queries_min"] = min(self.queries)
        return {**out, **self.notes}


def _percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def timed(fn: Callable, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def count_queries(fn: Callable, *args, **kwargs) -> tuple[int, object]:
    """Statements Django sent: BEGIN, COMMIT and savepoints included (they are round trips too)."""
    with CaptureQueriesContext(connection) as captured:
        result = fn(*args, **kwargs)
    return len(captured.captured_queries), result


def ratio(engine: Series, baseline: Series) -> float:
    return round(statistics.median(engine.seconds) / statistics.median(baseline.seconds), 2)
