"""Where the command writes: results on stdout, notes and errors on stderr, colours only on a terminal."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Mapping, TextIO

from ses_domains.cli.colours import Palette, colours_wanted


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@dataclass
class Console:
    out: TextIO
    err: TextIO
    palette: Palette
    err_palette: Palette
    dumb_terminal: bool = False
    """``TERM=dumb``: a terminal that cannot erase a line or move the cursor."""

    @classmethod
    def for_streams(cls, out: TextIO, err: TextIO, environ: Mapping[str, str] = os.environ) -> "Console":
        return cls(out, err, Palette(colours_wanted(out, environ)), Palette(colours_wanted(err, environ)),
                   environ.get("TERM") == "dumb")

    @property
    def out_is_terminal(self) -> bool:
        return _is_terminal(self.out)

    def live_lines(self, stream: TextIO) -> bool:
        """Whether a line may be rewritten in place on ``stream``: a terminal that is not dumb."""
        return _is_terminal(stream) and not self.dumb_terminal

    def note(self, text: str) -> None:
        self.err.write(f"{self.err_palette.dim('note:')} {text}\n")
        self.err.flush()

    def warnings(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.err.write(f"{self.err_palette.warn('warning:')} {text}\n")
        self.err.flush()

    def error(self, text: str) -> None:
        self.err.write(f"{self.err_palette.bad('ses-domains: error:')} {text}\n")
        self.err.flush()
