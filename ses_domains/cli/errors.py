"""Exit codes of ``ses-domains`` and the one error a subcommand raises to stop with a message."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    """Everything checked is as it should be (``check``), or every domain verified (``wait``)."""
    PROBLEMS = 1
    """``check`` found a problem; ``wait`` reached its deadline or SES failed for good."""
    CANNOT_RUN = 2
    """The command could not do its job: bad arguments, a config problem, no credentials, no answer."""
    INTERRUPTED = 130
    """Ctrl-C (SIGINT): the shell's 128 + the signal's number."""


class CommandError(Exception):
    """Ends the command with ``message`` on stderr and ``exit_code``, never with a traceback."""

    def __init__(self, message: str, exit_code: ExitCode = ExitCode.CANNOT_RUN):
        super().__init__(message)
        self.exit_code = exit_code
