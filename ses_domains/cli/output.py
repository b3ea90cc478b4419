"""The ``--output`` option every reporting subcommand shares, and the older spellings it replaces."""

from __future__ import annotations

import argparse
from typing import Sequence

OUTPUT_HELP = {
    "table": "a table to read",
    "json": "one JSON document for programs",
    "zone": "BIND zone-file lines",
}


def add_output_option(parser: argparse.ArgumentParser, choices: Sequence[str], *, json_flag: bool = False,
                      format_flag: bool = False) -> None:
    """``--output/-o CHOICE`` (default ``table``) into ``args.output``; ``--json`` (``check``,
    ``status``) and ``--format/-f`` (``records``) are kept as aliases of it."""
    described = ", ".join(f"{choice}: {OUTPUT_HELP[choice]}" for choice in choices)
    parser.add_argument("--output", "-o", choices=choices, dest="output", metavar="FORMAT",
                        help=f"what to print ({described}; default: table)")
    if json_flag:
        parser.add_argument("--json", action="store_const", const="json", dest="output",
                            help="the same as --output json")
    if format_flag:
        parser.add_argument("--format", "-f", choices=choices, dest="output", metavar="FORMAT",
                            help="the same as --output")
    parser.set_defaults(output="table")
