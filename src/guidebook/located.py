"""A problem in a file that Sphinx's parser does not read, at its line.

The release notes (reno's YAML notes and configuration) and the translation catalogs
(``.po`` files) are read by guidebook itself; both report what is wrong with them as a
:class:`SourceProblem`, which the build hands to Sphinx's logger at its location.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class SourceProblem:
    """Something wrong in the file at *path*, at *line* (1 when the whole file is wrong)."""

    path: str
    line: int
    message: str

    @property
    def location(self) -> str:
        """``path:line``: the form Sphinx's logger takes as a location outside a document."""
        return f"{self.path}:{self.line}"
