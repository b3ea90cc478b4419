"""The ``--output`` option every reporting subcommand shares, and the older spellings it replaces."""

from __future__ import annotations

import argparse
from typing import Optional, Sequence

OUTPUT_HELP = {
    "table": "a table to read",
    "json": "one JSON document for programs",
    "zone": "BIND zone-file lines",
}


def add_output_option(parser: argparse.ArgumentParser, choices: Sequence[str], *, json_flag: bool = False,
                      format_flag: bool = False, table_is: Optional[str] = None) -> None:
    """``--output/-o CHOICE`` (default ``table``) into ``args.output``; ``--json`` (``check``,
    ``status``) and ``--format/-f`` (``records``) are kept as aliases of it. ``table_is`` says what
    the default output is when it is no table."""
    helps = {**OUTPUT_HELP, **({"table": table_is} if table_is else {})}
    described = ", ".join(f"{choice}: {helps[choice]}" for choice in choices)
    parser.add_argument("--output", "-o", choices=choices, dest="output", metavar="FORMAT",
                        help=f"what to print ({described}; default: table)")
    if json_flag:
        parser.add_argument("--json", action="store_const", const="json", dest="output",
                            help="the same as --output json")
    if format_flag:
        parser.add_argument("--format", "-f", choices=choices, dest="output", metavar="FORMAT",
                            help="the same as --output")
    parser.set_defaults(output="table")
