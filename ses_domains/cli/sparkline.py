"""A one-line chart of a rate against its level, one character per period.

The scale is the level, not the data: ``▁▂▃▄▅▆▇`` split the way from 0 to the level into seven
steps, and ``█`` is kept for a period at or past it (red when colours are on), so the height of a
bar says how close the account came to a review whatever the numbers, and a period past the level
is visible even without colour. A period without data is ``·``.
"""

from __future__ import annotations

from typing import Optional, Sequence

from ses_domains.cli.colours import Palette

BELOW_LEVEL = "▁▂▃▄▅▆▇"
AT_LEVEL = "█"
NO_DATA = "·"
LEGEND = f"{BELOW_LEVEL} below the level, {AT_LEVEL} at or past it, {NO_DATA} no data"


def bar(value: Optional[float], level: float) -> str:
    """The character of one period."""
    if value is None:
        return NO_DATA
    if value >= level:
        return AT_LEVEL
    step = int(max(0.0, value) / level * len(BELOW_LEVEL))
    return BELOW_LEVEL[min(step, len(BELOW_LEVEL) - 1)]


def sparkline(slots: Sequence[Optional[float]], level: float, palette: Palette) -> str:
    """One character per slot, oldest first; as wide as ``slots`` is long (colours take no room)."""
    runs: list[tuple[str, str]] = []
    for value in slots:
        char = bar(value, level)
        style = "bad" if char == AT_LEVEL else "dim" if char == NO_DATA else ""
        if runs and runs[-1][0] == style:
            runs[-1] = (style, runs[-1][1] + char)
        else:
            runs.append((style, char))
    return "".join(getattr(palette, style)(text) if style else text for style, text in runs)
