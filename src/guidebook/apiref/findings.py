"""What the converter could not carry over, each at the ``file:line`` it comes from."""

from __future__ import annotations

import dataclasses
import enum
import os
from pathlib import Path


class Kind(enum.Enum):
    """The kind of a finding (the value is the word printed after the location).

    Each member is ``NAME = "word", "meaning"``: the meaning is the member's docstring.
    """

    def __new__(cls, value: str, doc: str) -> Kind:
        member = object.__new__(cls)
        member._value_ = value
        member.__doc__ = doc
        return member

    MARKUP = ("markup", "rST the converter could not turn into CommonMark (a directive, a "
                        "role or a substitution docutils rejects, or a construct Markdown "
                        "lacks); the text is kept as it was written.")
    PARAMETER_MISSING = ("parameter-missing",
                         "A ``rest_parameters`` line names a key its parameters file lacks.")
    PARAMETER_INVALID = ("parameter-invalid",
                         "A parameters-file entry with an unknown ``in`` or ``type``, or a "
                         "line of ``rest_parameters`` that is not ``- name: key``.")
    PATH_PARAMETER = ("path-parameter",
                      "A ``{name}`` in a path with no ``in: path`` parameter (one is added "
                      "as a string), or a path parameter the path lacks (dropped).")
    SAMPLE = ("sample", "A ``literalinclude`` sample that cannot be read (not carried over) "
                        "or is not JSON (carried as an example of a text media type).")
    BODY_NESTING = ("body-nesting", "A body parameter the samples do not show, after a nested "
                                    "one: placed beside the field before it "
                                    "(when that is a documented object's), else at the top "
                                    "level.")
    STATUS = ("status", "Response codes that could not be read, or a call with none "
                        "(``200`` is assumed).")
    DUPLICATE = ("duplicate", "A method and path documented more than once (not an action): "
                              "the calls are merged into one operation.")
    UNPLACED = ("unplaced", "Text or a directive outside every call and tag (such as a "
                            "``toctree``), not carried over.")


@dataclasses.dataclass(frozen=True, order=True)
class Finding:
    """One thing not carried over (or carried over changed), at its source line."""

    path: Path
    line: int
    kind: Kind = dataclasses.field(compare=False)
    message: str = dataclasses.field(compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind.value}: {self.message}"


class Findings:
    """The findings of one conversion, each reported once."""

    def __init__(self) -> None:
        self._seen: set[tuple[Path, int, str]] = set()
        self.items: list[Finding] = []

    def add(self, path: Path | str, line: int | None, kind: Kind, message: str) -> None:
        # docutils names an included file relative to the working directory; made absolute,
        # one file is one key, and the finding stays true wherever the command was run.
        where = Path(os.path.abspath(path))
        key = (where, line or 0, message)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(Finding(where, line or 0, kind, message))
