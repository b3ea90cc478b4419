"""Progress of a long wait: one live line on a terminal, plain lines otherwise.

On a terminal the line is rewritten in place (``\\r``, then erase to the end of the line) at most
``max_rate`` times a second, holding the latest news of every domain; a ticker thread redraws it
at that rate, so news that came too soon after a draw still shows and the clock keeps moving.
A milestone (DNS ready, verified) is printed as a permanent line above it. When stdout is a file or a pipe every update is its own line, so
a CI log reads top to bottom.

An update may carry items (the records still awaited): on the live line as many as fit the terminal
are shown, then "… +N more"; a plain line shows at most ``PLAIN_ITEMS`` of them.
"""

from __future__ import annotations

import shutil
import threading
import time
from typing import Callable, Sequence, TextIO

from ses_domains.cli.colours import visible_length

ERASE_TO_END = "\x1b[K"
PLAIN_ITEMS = 10
ITEM_SEPARATOR = ", "


def _with_items(text: str, items: Sequence[str], shown: int) -> str:
    if not items:
        return text
    listed = ITEM_SEPARATOR.join(items[:shown])
    rest = len(items) - shown
    more = f"… +{rest} more" if rest else ""
    return f"{text}: {listed}{ITEM_SEPARATOR if listed and more else ''}{more}"


class ProgressLine:
    def __init__(self, stream: TextIO, *, live: bool, max_rate: float = 4.0,
                 clock: Callable[[], float] = time.monotonic, width: Callable[[], int] | None = None,
                 ticker: bool = True):
        self.stream = stream
        self.live = live
        self.min_interval = 1.0 / max_rate
        self.clock = clock
        self.width = width or (lambda: shutil.get_terminal_size((100, 24)).columns)
        self.started = clock()
        self.latest: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.last_drawn = float("-inf")
        self.shown = False
        self.pending = False
        self.lock = threading.Lock()
        """Updates arrive from the event loop and from SES polling threads."""
        self.stopped = threading.Event()
        self.ticker: threading.Thread | None = None
        if live and ticker:
            self.ticker = threading.Thread(target=self._tick, name="progress-line", daemon=True)
            self.ticker.start()

    def _tick(self) -> None:
        while not self.stopped.wait(self.min_interval):
            with self.lock:
                if self.latest and not self.stopped.is_set():
                    self._draw()

    def update(self, domain: str, text: str, items: Sequence[str] = ()) -> None:
        with self.lock:
            if not self.live:
                self.stream.write(f"{domain}: {_with_items(text, items, min(len(items), PLAIN_ITEMS))}\n")
                self.stream.flush()
                return
            self.latest[domain] = (text, tuple(items))
            self.pending = True
            if self.clock() - self.last_drawn >= self.min_interval:
                self._draw()

    def milestone(self, domain: str, text: str) -> None:
        """A step done: a permanent line on a terminal (and the domain's latest news), a line in a pipe."""
        if not self.live:
            self.update(domain, text)
            return
        with self.lock:
            self.latest[domain] = (text, ())
        self.print(f"{domain}: {text}")

    def print(self, line: str) -> None:
        """A permanent line (above the live line, which is drawn again below it)."""
        with self.lock:
            if self.live and self.shown:
                self.stream.write("\r" + ERASE_TO_END)
            self.stream.write(line + "\n")
            self.shown = False
            if self.live and self.latest:
                self._draw()
            self.stream.flush()

    def finish(self, domain: str) -> None:
        """A domain is done: it leaves the live line."""
        with self.lock:
            self.latest.pop(domain, None)

    def close(self) -> None:
        self.stopped.set()
        if self.ticker is not None:
            self.ticker.join()
        with self.lock:
            if self.live and self.shown:
                self.stream.write("\r" + ERASE_TO_END)
                self.stream.flush()
            self.shown = False

    def _draw(self) -> None:
        line = self._fitted(f"[{self.clock() - self.started:5.1f}s] ", max(20, self.width() - 1))
        self.stream.write("\r" + line + ERASE_TO_END)
        self.stream.flush()
        self.last_drawn = self.clock()
        self.shown = True
        self.pending = False

    def _fitted(self, prefix: str, room: int) -> str:
        """The line within ``room`` columns: items are dropped from the domain showing the most
        (the last first) and counted; if even no item is too long, the end is cut."""
        news = list(self.latest.items())
        shown = [len(items) for _, (_, items) in news]

        def compose() -> str:
            return prefix + " | ".join(f"{domain}: {_with_items(text, items, count)}"
                                       for (domain, (text, items)), count in zip(news, shown))

        line = compose()
        while visible_length(line) > room and any(shown):
            most = max(range(len(shown)), key=lambda i: (shown[i], i))
            shown[most] -= 1
            line = compose()
        if visible_length(line) > room:
            line = line[: room - 1] + "…"
        return line
