"""A metric's check-in history as a small server-rendered SVG line chart (no JavaScript, no CDN)."""

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, PAD = 320, 80, 6


@dataclass(frozen=True)
class Chart:
    points: str  # the polyline's "x,y x,y …", or "" when there is nothing to draw
    dots: list[tuple[float, float]]
    target_y: float
    start_y: float
    width: int = WIDTH
    height: int = HEIGHT


def history_chart(*, start: Decimal, target: Decimal, values: list[Decimal]) -> Chart:
    """Plot `values` (oldest first) between the metric's start and target, both drawn as guide lines."""
    series = [start, *values]
    low, high = min(*series, target), max(*series, target)
    span = (high - low) or Decimal(1)

    def y(value: Decimal) -> float:
        return round(float(PAD + (high - value) / span * (HEIGHT - 2 * PAD)), 1)

    step = (WIDTH - 2 * PAD) / max(len(series) - 1, 1)
    dots = [(round(PAD + i * step, 1), y(value)) for i, value in enumerate(series)]
    points = " ".join(f"{x},{yy}" for x, yy in dots) if len(dots) > 1 else ""
    return Chart(points=points, dots=dots, target_y=y(target), start_y=y(start))
