"""What one ``guidebook build`` is asked to do, shared by the driver and the language builds.

It stands apart from :mod:`guidebook.driver.run` so that :mod:`guidebook.i18n.build`, which
the driver calls, can take the options without importing the driver back.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path


@dataclasses.dataclass
class BuildOptions:
    """What ``guidebook build`` does; the CLI fills it from its arguments."""

    source: Path
    out: Path
    strict: bool = False
    jobs: int = 1
    fresh: bool = False
    quiet: bool = False
    builder: str = "guidebook"
    #: Write only these guides or parts (``--only``); empty: all of them. A build
    #: option, not a conf.py value, so that changing it never re-reads a source.
    only: tuple[str, ...] = ()
    #: Build only these languages (``--language``; the original's code included); empty:
    #: the original and every language in ``guidebook_languages``.
    languages: tuple[str, ...] = ()
    #: Build the languages too; the review tools compare the original alone.
    translations: bool = True
    overrides: dict[str, object] = dataclasses.field(default_factory=dict)
