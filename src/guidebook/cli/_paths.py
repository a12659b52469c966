"""Default paths of the CLI, relative to the repository root."""

from __future__ import annotations

import subprocess
from pathlib import Path

DEFAULT_SOURCE = Path("doc/source")
DEFAULT_OUT = Path("doc/build/html")


def repository_root(start: Path | None = None) -> Path:
    """The git work tree containing *start* (the current directory), or *start* itself."""
    here = (start or Path.cwd()).resolve()
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=here,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return here
    top = result.stdout.strip()
    return Path(top) if result.returncode == 0 and top else here


def default_source() -> Path:
    return repository_root() / DEFAULT_SOURCE


def default_out() -> Path:
    return repository_root() / DEFAULT_OUT
