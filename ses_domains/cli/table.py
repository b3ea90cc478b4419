"""Aligned text columns that stay aligned when cells are coloured."""

from __future__ import annotations

from typing import Sequence

from ses_domains.cli.colours import visible_length


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, indent: str = "  ") -> list[str]:
    """Lines of a table; the last column is never padded (long TXT values run on)."""
    widths = [visible_length(cell) for cell in header]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], visible_length(cell))
    lines = []
    for row in [list(header), *rows]:
        cells = [cell + " " * (widths[i] - visible_length(cell)) if i < len(row) - 1 else cell for i, cell in enumerate(row)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines
