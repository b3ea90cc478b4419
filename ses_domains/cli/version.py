"""The command's version: the installed package's, or the source tree's ``pyproject.toml``."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

PACKAGE = "ses-domains"
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
_VERSION_LINE = re.compile(r'^version\s*=\s*"([^"]+)"', re.MULTILINE)


def package_version(pyproject: Path = PYPROJECT) -> str:
    """Run from a checkout that was never installed, the metadata is absent: ``pyproject.toml``
    next to the package says the version instead."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        pass
    try:
        match = _VERSION_LINE.search(pyproject.read_text(encoding="utf-8"))
    except OSError:
        match = None
    return match.group(1) if match else "unknown"
