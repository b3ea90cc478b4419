"""Aligned text columns that fit a width (100 columns), and stay aligned when cells are coloured.

When a table is too wide, the columns that may give room share what is left after the others:
a name is shortened in its middle (``sxnzklkuw6…bkegps._domainkey.example.com``: the longest DNS
label first, so the structure stays readable), a ``Text`` cell (a TXT value, a sentence) wraps onto
following lines of its column. Full values are in each command's JSON.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

from ses_domains.cli.colours import visible_length

WIDTH = 100
"""Every line of the command's tables and reports fits this many columns."""
ELLIPSIS = "…"
MIN_COLUMN = 12
_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


class Text(str):
    """A cell that wraps onto more lines when its column is too narrow (instead of being shortened)."""


def shorten(text: str, width: int, head: Optional[int] = None) -> str:
    """``text`` within ``width`` columns, shortened in the middle: of its longest DNS label while
    that is enough, else of the whole; with ``head``, the whole keeping its first ``head`` characters."""
    prefix, plain, suffix = _peel(text)
    if plain is None or len(plain) <= width:
        return text
    if head is not None and width > 1:
        head = min(head, width - 1)
        return prefix + plain[:head] + ELLIPSIS + plain[len(plain) - (width - 1 - head):] + suffix
    lead, space, tail = plain.rpartition(" ")
    if space and width - len(lead) - 1 >= 8:  # "10 feedb…smtp.eu-west-1…": the MX priority stays whole
        prefix, width, plain = prefix + lead + space, width - len(lead) - 1, tail
    labels = plain.split(".")
    excess = len(plain) - width
    longest = max(range(len(labels)), key=lambda i: len(labels[i]))
    if len(labels) > 1 and len(labels[longest]) - excess - 1 >= 6:
        labels[longest] = _middle(labels[longest], len(labels[longest]) - excess)
        return prefix + ".".join(labels) + suffix
    return prefix + _middle(plain, width) + suffix


def _middle(text: str, width: int) -> str:
    if width <= 1:
        return ELLIPSIS[:width]
    keep = width - 1
    head = (keep + 1) // 2
    return text[:head] + ELLIPSIS + text[len(text) - (keep - head):]


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns, broken at spaces; a word longer than a line is cut."""
    return wrap_lines(text, width, indent="", hanging="")


def wrap_lines(text: str, width: int = WIDTH, *, indent: str = "", hanging: Optional[str] = None) -> list[str]:
    """A paragraph as lines within ``width``: the first starts with ``indent``, the others with
    ``hanging`` (default: ``indent`` and two spaces). Colours may surround words; a coloured word is
    never cut."""
    hanging = indent + "  " if hanging is None else hanging
    lines: list[str] = []
    current, filled = indent, False
    for word in text.split(" "):
        while True:
            room = width - visible_length(current) - (1 if filled else 0)
            if visible_length(word) <= room:
                current, filled = current + (" " if filled else "") + word, True
                break
            if filled:
                lines.append(current)
                current, filled = hanging, False
                continue
            if _ESCAPE.search(word) or room < 1:
                current, filled = current + word, True
                break
            lines.append(current + word[:room])
            word, current = word[room:], hanging
    lines.append(current)
    return [line.rstrip() for line in lines]


def _peel(text: str) -> tuple[str, Optional[str], str]:
    """``(leading colour codes, plain text, trailing codes)``; plain is ``None`` when codes sit inside."""
    prefix = suffix = ""
    plain = text
    while (match := _ESCAPE.match(plain)) is not None:
        prefix += match.group()
        plain = plain[match.end():]
    while (match := re.search(r"\x1b\[[0-9;]*m$", plain)) is not None:
        suffix = match.group() + suffix
        plain = plain[:match.start()]
    if _ESCAPE.search(plain):
        return "", None, ""
    return prefix, plain, suffix


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, indent: str = "  ",
                 shrink: Sequence[int] = (), width: int = WIDTH) -> list[str]:
    """Lines of a table within ``width``; only the columns in ``shrink`` (by index) give room: their
    ``Text`` cells wrap first, then their other cells are shortened. The last column is never padded."""
    count = len(header)
    natural = [visible_length(cell) for cell in header]
    unbreakable = list(natural)
    for row in rows:
        for index, cell in enumerate(row):
            natural[index] = max(natural[index], visible_length(cell))
            if not isinstance(cell, Text):
                unbreakable[index] = max(unbreakable[index], visible_length(cell))
    room = width - len(indent) - 2 * (count - 1)
    widths = _fit(natural, unbreakable, header, shrink, room)
    short = {i: _distinct_shortenings([row[i] for row in rows], widths[i]) for i in shrink}
    lines = [_line(indent, list(header), widths)]
    for row in rows:
        cells = [_fit_cell(cell, widths[i], short.get(i, {})) for i, cell in enumerate(row)]
        for depth in range(max(len(c) for c in cells)):
            lines.append(_line(indent, [c[depth] if depth < len(c) else "" for c in cells], widths))
    return lines


def _fit(natural: list[int], unbreakable: list[int], header: Sequence[str], shrink: Sequence[int],
         room: int) -> list[int]:
    """Column widths: as wide as their cells when that fits; else the shrinking columns share what
    the others leave, first by wrapping text (when the names still fit whole), then by shortening."""
    if sum(natural) <= room or not shrink:
        return list(natural)
    left = room - sum(w for i, w in enumerate(natural) if i not in shrink)
    floors = {i: max(MIN_COLUMN, len(header[i])) for i in shrink}
    hard = {i: max(floors[i], min(unbreakable[i], natural[i])) for i in shrink}
    if sum(hard.values()) <= left:
        extra = {i: natural[i] - hard[i] for i in shrink}
        given = _share(extra, left - sum(hard.values()), {i: 0 for i in shrink})
        return [hard[i] + given[i] if i in hard else w for i, w in enumerate(natural)]
    given = _share({i: natural[i] for i in shrink}, left, floors)
    return [given[i] if i in given else w for i, w in enumerate(natural)]


def _share(wants: dict[int, int], room: int, floors: dict[int, int]) -> dict[int, int]:
    """``room`` split among columns: the smallest wants are met whole, the rest share evenly."""
    given = {}
    order = sorted(wants, key=lambda i: wants[i])
    for position, index in enumerate(order):
        share = room // (len(order) - position)
        given[index] = min(wants[index], max(floors[index], share))
        room -= given[index]
    return given


def _distinct_shortenings(cells: Sequence[str], width: int) -> dict[str, str]:
    """Each over-long name of a column shortened; names that would then read the same (``dkim-token-1…``
    and ``dkim-token-2…``) keep their beginnings up to where they differ."""
    names = [c for c in dict.fromkeys(cells) if not isinstance(c, Text) and visible_length(c) > width]
    short = {name: shorten(name, width) for name in names}
    groups: dict[str, list[str]] = {}
    for name, result in short.items():
        groups.setdefault(result, []).append(name)
    for group in groups.values():
        if len(group) > 1:
            same = len(_common_prefix(group))
            short.update({name: shorten(name, width, head=same + 1) for name in group})
    return short


def _common_prefix(texts: list[str]) -> str:
    first, last = min(texts), max(texts)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def _fit_cell(cell: str, width: int, short: dict[str, str]) -> list[str]:
    if visible_length(cell) <= width:
        return [cell]
    if isinstance(cell, Text):
        return wrap(cell, width)
    return [short.get(cell) or shorten(cell, width)]


def _line(indent: str, cells: list[str], widths: list[int]) -> str:
    last = len(cells) - 1
    padded = [cell + " " * (widths[i] - visible_length(cell)) if i < last else cell for i, cell in enumerate(cells)]
    return (indent + "  ".join(padded)).rstrip()
