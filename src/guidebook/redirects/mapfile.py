"""The redirect map file: parsing and writing ``redirects.txt``.

One redirect per line, two fields separated by blanks, ``OLD NEW``; ``#`` starts a
comment (a whole line, or after the fields)::

    # A page moved: its old URL in every guide redirects to the new page.
    user/statuses          common/statuses
    # One old URL (a guide-qualified site path, ending in .html).
    operator/cache.html    admin/cache.html
    # An old URL whose new home is a page: the guide that has it is chosen.
    image-statuses.html    common/statuses
    # A whole folder moved: every URL below the old one goes to the same path below the new.
    user/user/             user/

A field ending in ``.html`` is a *site path*: a URL relative to the site root, such as
``user/index.html``. A field ending in ``/`` is a *folder* of site paths; a folder
redirects only to a folder. Any other field is a *docname*, such as ``user/index``. Fields
may only use letters, digits, ``.``, ``_``, ``-`` and ``/`` (so no line can smuggle an
Apache directive into ``.htaccess``); a leading ``/`` is allowed and dropped; ``.`` and
``..`` segments, URLs with a scheme (``http://``) and ``//host`` are refused.

Pure functions, no Sphinx: the build, ``guidebook move`` and the tests share them.
"""

from __future__ import annotations

import dataclasses
import re

#: A site path ends with this suffix; anything else is a docname.
URL_SUFFIX = ".html"
_SAFE_CHAR = re.compile(r"[A-Za-z0-9._/-]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_SOURCE_SUFFIXES = (".rst", ".md", ".txt")


class RedirectSyntaxError(ValueError):
    """A field or line of the redirect map that cannot be used."""


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """One side of a redirect: a docname (``user/index``) or a site path (``x/y.html``)."""

    path: str

    @property
    def is_url(self) -> bool:
        return self.path.endswith(URL_SUFFIX)

    @property
    def is_folder(self) -> bool:
        return self.path.endswith("/")

    def __str__(self) -> str:
        return self.path


@dataclasses.dataclass(frozen=True)
class RedirectLine:
    """A parsed line of the map: the old location and the new one."""

    lineno: int
    old: Endpoint
    new: Endpoint


@dataclasses.dataclass(frozen=True)
class MapError:
    """A line that was refused, with the reason."""

    lineno: int
    message: str


@dataclasses.dataclass(frozen=True)
class RedirectMap:
    """Every usable line of a map and the errors of the others."""

    lines: tuple[RedirectLine, ...]
    errors: tuple[MapError, ...]


def check_path(field: str) -> Endpoint:
    """Validate one field of the map; return it normalised (no leading ``/``).

    Raise :class:`RedirectSyntaxError` with a message that names the field.
    """
    if field.startswith("//") or _SCHEME.match(field):
        raise RedirectSyntaxError(
            f"{field!r} is an off-site URL; redirects stay on this site: write a site "
            "path such as 'user/index.html' or a docname such as 'user/index'"
        )
    for char in field:
        if not _SAFE_CHAR.match(char):
            raise RedirectSyntaxError(
                f"{field!r} contains {char!r}; a redirect path may only use letters, "
                "digits, '.', '_', '-' and '/'"
            )
    path = field[1:] if field.startswith("/") else field
    if not path or path == "/":
        raise RedirectSyntaxError(f"{field!r} is not a path")
    for segment in path.removesuffix("/").split("/"):
        if segment in ("", ".", ".."):
            raise RedirectSyntaxError(
                f"{field!r} has an empty, '.' or '..' segment; write the path from the "
                "site root"
            )
    if path.endswith(_SOURCE_SUFFIXES):
        raise RedirectSyntaxError(
            f"{field!r} names a source file; write its docname (without the suffix) or "
            f"its site path (ending in {URL_SUFFIX})"
        )
    return Endpoint(path)


def parse_line(text: str) -> tuple[Endpoint, Endpoint] | None:
    """Parse one line; None for a blank or comment line. Raise RedirectSyntaxError."""
    fields: list[str] = []
    for field in text.split():
        if field.startswith("#"):
            break
        fields.append(field)
    if not fields:
        return None
    if len(fields) != 2:
        found = f"only {fields[0]!r}" if len(fields) == 1 else f"{len(fields)} fields"
        raise RedirectSyntaxError(
            f"expected two paths, 'OLD NEW', found {found} (paths cannot contain blanks)"
        )
    old, new = check_path(fields[0]), check_path(fields[1])
    if old.is_folder != new.is_folder:
        folder, other = (old, new) if old.is_folder else (new, old)
        raise RedirectSyntaxError(
            f"{folder.path!r} is a folder and {other.path!r} is not; a folder redirects to "
            f"a folder (end both with '/')"
        )
    if old == new:
        raise RedirectSyntaxError(f"{old.path!r} redirects to itself")
    return old, new


def parse_map(text: str) -> RedirectMap:
    """Parse a whole map. Never raises: refused lines are returned as errors."""
    lines: list[RedirectLine] = []
    errors: list[MapError] = []
    seen: dict[Endpoint, int] = {}
    # Split on newlines only: str.splitlines() also splits on form feeds and other
    # characters editors do not count, which would make line numbers lie.
    for lineno, raw in enumerate(text.split("\n"), start=1):
        try:
            parsed = parse_line(raw.removesuffix("\r"))
        except RedirectSyntaxError as exc:
            errors.append(MapError(lineno, str(exc)))
            continue
        if parsed is None:
            continue
        old, new = parsed
        if old in seen:
            errors.append(MapError(lineno, f"{old.path!r} is already redirected on line "
                                           f"{seen[old]}"))
            continue
        seen[old] = lineno
        lines.append(RedirectLine(lineno, old, new))
    return RedirectMap(tuple(lines), tuple(errors))


def format_line(old: str, new: str) -> str:
    """The map line for a redirect from *old* to *new* (validated; no newline)."""
    line = f"{check_path(old).path} {check_path(new).path}"
    parse_line(line)  # refuses a redirect to itself
    return line
