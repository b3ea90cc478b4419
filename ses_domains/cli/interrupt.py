"""Ctrl-C ends the command at once: one line on stderr, exit 130, whatever the command waits for.

Python's own ``KeyboardInterrupt`` reaches only the main thread, and only once it runs Python code
again: a wait whose SES poll runs on another thread, or an ``asyncio.run`` that cancels its task and
then joins its threads, goes on until its deadline. So while a subcommand runs, SIGINT goes to
:func:`_on_interrupt`, which flushes what was already written, says ``interrupted`` and ends the
process with ``os._exit``: no thread, socket or executor can hold it up.

What was under way when the interrupt came can add to that line (:func:`saying`): ``send-test``
says the message may have been sent once ``SendEmail`` is asked.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

from ses_domains.cli.errors import ExitCode

_notes: list[str] = []
"""What the command is doing that the interrupted line must mention (innermost last)."""


def interrupted_line() -> str:
    """The line printed on an interrupt (without its newline)."""
    if _notes:
        return f"ses-domains: interrupted; {_notes[-1]}"
    return "ses-domains: interrupted"


def _on_interrupt(signum: int, frame: object) -> None:
    """Ends the process now: what is buffered on stdout is written, then one line on stderr."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a closed pipe or a write this signal interrupted: go on
            pass
    tail = "\n" if _isatty(1) else ""  # end a live progress line before the message
    _write(2, f"{tail}{interrupted_line()}\n")
    os._exit(int(ExitCode.INTERRUPTED))


def _isatty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def _write(fd: int, text: str) -> None:
    try:
        os.write(fd, text.encode("utf-8", "replace"))
    except OSError:
        pass


@contextmanager
def ends_at_once() -> Iterator[None]:
    """While inside, SIGINT ends the process at once with exit 130 (from the main thread only;
    elsewhere, as when a test runs the command in a thread, Python's own handling stays)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def saying(note: str) -> Iterator[None]:
    """An interrupt while inside says ``note`` after "interrupted" (e.g. what may have happened)."""
    _notes.append(note)
    try:
        yield
    finally:
        _notes.remove(note)
