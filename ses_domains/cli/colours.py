"""Colours on a terminal only, never when ``NO_COLOR`` is set (https://no-color.org) or TERM is dumb."""

from __future__ import annotations

import os
from typing import Mapping, TextIO

_RESET = "\x1b[0m"
_CODES = {"good": "\x1b[32m", "bad": "\x1b[31m", "warn": "\x1b[33m", "dim": "\x1b[2m", "bold": "\x1b[1m"}


def colours_wanted(stream: TextIO, environ: Mapping[str, str] = os.environ) -> bool:
    if environ.get("NO_COLOR", "") != "" or environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Palette:
    """Wraps text in ANSI colours when ``enabled``; otherwise returns it unchanged."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def _paint(self, style: str, text: str) -> str:
        return f"{_CODES[style]}{text}{_RESET}" if self.enabled and text else text

    def good(self, text: str) -> str:
        return self._paint("good", text)

    def bad(self, text: str) -> str:
        return self._paint("bad", text)

    def warn(self, text: str) -> str:
        return self._paint("warn", text)

    def dim(self, text: str) -> str:
        return self._paint("dim", text)

    def bold(self, text: str) -> str:
        return self._paint("bold", text)


def visible_length(text: str) -> int:
    """Length of ``text`` as shown: ANSI colour sequences take no room."""
    length, index = 0, 0
    while index < len(text):
        if text[index] == "\x1b":
            end = text.find("m", index)
            index = end + 1 if end >= 0 else len(text)
            continue
        length += 1
        index += 1
    return length
