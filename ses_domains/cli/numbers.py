"""Counts and rates as ``status`` prints them."""

from __future__ import annotations

from typing import Optional


def percent(rate: Optional[float]) -> str:
    """A rate (0 to 1) as a percentage with two decimals; a tiny non-zero rate is not shown as 0."""
    if rate is None:
        return "-"
    if rate == 0:
        return "0 %"
    if rate * 100 < 0.01:
        return "<0.01 %"
    return f"{rate * 100:.2f} %"


def count(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
