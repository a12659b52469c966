"""The typed settings of guidebook: the single source of truth for conf.py values.

Every field of :class:`GuidebookConfig` is registered as the conf.py value
``guidebook_<field>`` with its default; the CLI and the configuration reference page read
the same dataclass.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.errors import ConfigError

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

PAGE_TYPES = ("tutorial", "how-to", "reference", "explanation")

#: In ``guidebook_releasenotes_routing``, ``*`` stands for every guide.
ALL_GUIDES = "*"
#: The default routing of reno's sections to the guides' What's new pages.
RELEASENOTES_ROUTING: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("prelude", (ALL_GUIDES,)),
    ("features", ("user", "operator", "admin")),
    ("issues", ("user", "operator", "admin")),
    ("upgrade", ("operator", "admin")),
    ("deprecations", ("operator", "admin")),
    ("critical", (ALL_GUIDES,)),
    ("security", (ALL_GUIDES,)),
    ("fixes", ("user", "operator", "admin")),
    ("other", ("contributor",)),
)


@dataclasses.dataclass(frozen=True)
class PartSpec:
    """One part of the site: a guide (an audience) or another part such as the API reference."""

    name: str
    title: str
    root: str
    description: str
    kind: str  # "guide" or "part"

    @property
    def folder(self) -> str:
        """The top folder of the root page ("" when the root is at the top of the tree)."""
        return self.root.split("/", 1)[0] if "/" in self.root else ""


@dataclasses.dataclass
class GuidebookConfig:
    """guidebook's conf.py settings; each field is the conf.py value ``guidebook_<name>``."""

    guides: dict[str, dict[str, str]] = dataclasses.field(
        default_factory=dict,
        metadata={
            "rebuild": "env",
            "doc": "Ordered mapping of guide name to ``{title, root, description}``; "
            "each guide is an audience and gets its own site under ``OUT/<name>/``.",
        },
    )
    parts: dict[str, dict[str, str]] = dataclasses.field(
        default_factory=dict,
        metadata={
            "rebuild": "env",
            "doc": "Further parts of the site that are not audiences (API reference, "
            "release notes), same shape as ``guides``; written to ``OUT/<name>/``.",
        },
    )
    folder_audiences: dict[str, str | list[str]] = dataclasses.field(
        default_factory=dict,
        metadata={
            # Which guides a page is in is decided, and warned about, while it is read.
            "rebuild": "env",
            "doc": "Audiences of the pages that declare none, by folder or glob: "
            "``{'*': '*', 'configuration/': 'operator', 'cli/': 'admin, operator'}``. "
            "A key ending in ``/`` is a folder and everything under it, any other key a "
            "glob on docnames (``*`` alone: the top-level pages); the value ``*`` is "
            "every guide. The longest matching pattern wins; a page's own "
            "``:audience:`` wins over all.",
        },
    )
    openapi_spec: str = dataclasses.field(
        default="api-ref/openapi.yaml",
        metadata={"rebuild": "env",
                  "doc": "The OpenAPI spec, relative to the source directory."},
    )
    openapi_pages: str = dataclasses.field(
        default="tag",
        metadata={"rebuild": "env",
                  "doc": "How the API reference of ``guidebook_openapi_spec`` is paged: "
                  "``tag`` (one generated page per tag, under ``operations/`` next to the "
                  "spec), ``path`` (one per first path segment) or ``single`` (one page)."},
    )
    openapi_markup: str = dataclasses.field(
        default="commonmark",
        metadata={"rebuild": "env",
                  "doc": "The markup of the spec's descriptions: ``commonmark`` (Markdown, "
                  "as OpenAPI says) or ``restructuredtext``."},
    )
    openapi_response_examples: list[str] = dataclasses.field(
        default_factory=lambda: ["200", "201", "202", "2XX"],
        metadata={"rebuild": "env",
                  "doc": "The response statuses whose examples the API reference shows "
                  "(every status gets its field table)."},
    )
    redirects_file: str = dataclasses.field(
        default="redirects.txt",
        metadata={"rebuild": "",
                  "doc": "The redirect map, relative to the source directory."},
    )
    htaccess_not_found: bool = dataclasses.field(
        default=True,
        metadata={
            "rebuild": "",
            "doc": "Name the site's 404 page in ``.htaccess`` (``ErrorDocument 404``). "
            "whereto, the redirect test OpenStack projects run on the built ``.htaccess``, "
            "reads no other line than ``Redirect`` and ``RedirectMatch``: ``False`` leaves "
            "it out, for a host that has its own not-found page (``guidebook init`` sets it "
            "when the repository tests its redirects with whereto).",
        },
    )
    redirect_base: str = dataclasses.field(
        default="/",
        metadata={
            "rebuild": "",
            "doc": "The URL path at which the site is published, such as ``/glance/latest/``; "
            "every path in the generated ``.htaccess`` starts with it.",
        },
    )
    switcher: bool = dataclasses.field(
        default=True,
        metadata={"rebuild": "html",
                  "doc": "Show the audience switcher (the same page in other guides)."},
    )
    pdf: bool = dataclasses.field(
        default=False,
        metadata={"doc": "Also write a PDF of every guide and part, "
                  "``OUT/<part>/<project>-<part>.pdf``, linked from its pages and the portal "
                  "(``guidebook build --pdf``; needs TeX, see the contributor guide).",
                  "rebuild": ""},
    )
    releasenotes_part: str = dataclasses.field(
        default="releasenotes",
        metadata={"rebuild": "env",
                  "doc": "The part (in ``guidebook_parts``) that holds every reno release "
                  "note; its series pages are generated into ``<its folder>/series/``."},
    )
    releasenotes_repo: str = dataclasses.field(
        default="",
        metadata={"rebuild": "env",
                  "doc": "The git repository reno scans, relative to conf.py; empty: the "
                  "repository that holds the source directory."},
    )
    releasenotes_dir: str = dataclasses.field(
        default="releasenotes",
        metadata={"rebuild": "env",
                  "doc": "reno's release notes directory, relative to the repository root "
                  "(notes in ``<dir>/notes/``, settings in ``<dir>/config.yaml``)."},
    )
    releasenotes_routing: dict[str, list[str]] = dataclasses.field(
        default_factory=lambda: {name: list(names) for name, names in RELEASENOTES_ROUTING},
        metadata={"rebuild": "env",
                  "doc": "reno section -> the guides whose What's new page shows it "
                  "(``*``: every guide). A section missing here uses its parent's "
                  "(``features_api`` -> ``features``), else every guide."},
    )
    releasenotes_series_parts: int = dataclasses.field(
        default=2,
        metadata={"rebuild": "env",
                  "doc": "How many leading parts of a version name its series page "
                  "(2: 2.0.0 and 2.0.1 share the '2.0 series' page)."},
    )

    releasenotes_branch: str = dataclasses.field(
        default="",
        metadata={"doc": "The branch reno scans (its ``branch`` setting); empty: the checked "
                  "out commit. ``guidebook build --versions`` sets it to each version's "
                  "branch, so each version's release notes show its own series.",
                  # The notes are read afresh by every build and the pages they change
                  # are read again: another branch needs no new environment.
                  "rebuild": ""},
    )
    versions: dict[str, str] = dataclasses.field(
        default_factory=dict,
        metadata={"doc": "Ordered mapping of a version's display name to a git ref (branch, "
                  "tag or commit), oldest first, such as ``{'2026.1': 'stable/2026.1', "
                  "'2026.2': 'main'}``. ``guidebook build --versions`` builds each from its "
                  "own tree into ``OUT/<name>/``; a plain build ignores it.",
                  # Read by --versions before any build; no page depends on it.
                  "rebuild": ""},
    )
    versions_match: list[str] = dataclasses.field(
        default_factory=list,
        metadata={"doc": "Ref patterns (``fnmatch``, such as ``stable/*``) whose matching "
                  "branches and tags are versions too, named by the ref's last segment and "
                  "placed before the entries of ``guidebook_versions``, oldest first.",
                  "rebuild": ""},
    )
    versions_latest: str = dataclasses.field(
        default="",
        metadata={"doc": "The name of the latest version (published again as "
                  "``OUT/latest/``); empty: the last version.",
                  "rebuild": ""},
    )
    version_marker: bool = dataclasses.field(
        default=False,
        metadata={"doc": "Set by ``guidebook build --versions`` for each version's build: the "
                  "pages carry a marker where the version switcher is filled in when the "
                  "versions are assembled. Leave it off in conf.py.",
                  "rebuild": "html"},
    )

    @classmethod
    def register(cls, app: Sphinx) -> None:
        """Register every field as a conf.py value ``guidebook_<name>``.

        Each with its rebuild scope (``"env"`` only when a change alters what is read,
        ``"html"`` when it alters the pages written, ``""`` when guidebook writes what it
        affects on every build) and its type.
        """
        for field in dataclasses.fields(cls):
            app.add_config_value(f"guidebook_{field.name}", field_default(field),
                                 field.metadata["rebuild"], types=frozenset({field_type(field)}))

    @classmethod
    def validate(cls, config: Config, conf_py: Path) -> None:
        """Raise ConfigError, naming the setting and its conf.py line, for a mistyped value.

        Strings and flags are checked here; the dicts and numbers are checked, entry by
        entry, where they are used (:meth:`part_specs`, the release notes' routing).
        """
        for field in dataclasses.fields(cls):
            name = f"guidebook_{field.name}"
            value = getattr(config, name)
            expected = field_type(field)
            if expected not in (str, bool):
                continue
            if not isinstance(value, expected):
                line = conf_location(conf_py, name).rpartition(":")[2]
                raise ConfigError(
                    f"conf.py:{line}: {name} must be {_TYPE_NAMES[expected]}, "
                    f"not {type(value).__name__} ({value!r})"
                )

    @classmethod
    def from_sphinx(cls, config: Config) -> GuidebookConfig:
        """Read the conf.py values back into one typed object."""
        values = {
            field.name: getattr(config, f"guidebook_{field.name}")
            for field in dataclasses.fields(cls)
        }
        return cls(**values)

    def part_specs(self) -> list[PartSpec]:
        """Validated guides then parts, in conf.py order; raise ConfigError on bad values."""
        specs: list[PartSpec] = []
        seen: set[str] = set()
        for setting, kind in (("guides", "guide"), ("parts", "part")):
            mapping = getattr(self, setting)
            if not isinstance(mapping, Mapping):
                raise ConfigError(
                    f"conf.py: guidebook_{setting} must be a dict of name -> "
                    f"{{'title', 'root', 'description'}}, not {type(mapping).__name__}"
                )
            for name, spec in mapping.items():
                specs.append(_part_spec(setting, kind, name, spec, seen))
        if not any(spec.kind == "guide" for spec in specs):
            raise ConfigError("conf.py: guidebook_guides must name at least one guide")
        return specs


_TYPE_NAMES: dict[type, str] = {
    str: "a string", bool: "True or False",
}


def field_type(field: dataclasses.Field[Any]) -> type:
    """The Python type a setting's value must have (its annotation's outer type)."""
    annotation = str(field.type)
    outer = annotation.split("[", 1)[0].strip()
    return {"dict": dict, "list": list, "str": str, "bool": bool, "int": int}[outer]


def field_default(field: dataclasses.Field[Any]) -> Any:
    """A fresh copy of the setting's default."""
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


def _part_spec(setting: str, kind: str, name: object, spec: object, seen: set[str]) -> PartSpec:
    where = f"conf.py: guidebook_{setting}[{name!r}]"
    if not isinstance(name, str) or not name.replace("-", "").replace("_", "").isalnum():
        raise ConfigError(
            f"conf.py: guidebook_{setting} key {name!r} must be a non-empty name of "
            "letters, digits, '-' or '_'"
        )
    if name in seen:
        raise ConfigError(
            f"{where}: the name {name!r} is used twice (guide and part names must be unique)"
        )
    clash = next((other for other in seen if other.replace("-", "_") == name.replace("-", "_")),
                 None)
    if clash is not None:
        # Both would get the same Sphinx tag: each would see the other's audience blocks.
        raise ConfigError(
            f"{where}: the name {name!r} is too close to {clash!r} ('-' and '_' count as "
            "the same in guide and part names)"
        )
    seen.add(name)
    if not isinstance(spec, Mapping):
        raise ConfigError(f"{where} must be a dict with 'title', 'root' and 'description'")
    unknown = set(spec) - {"title", "root", "description"}
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    for key in ("title", "root"):
        if key not in spec:
            raise ConfigError(f"{where} is missing {key!r}")
    for key in ("title", "root", "description"):
        if key in spec and not isinstance(spec[key], str):
            raise ConfigError(f"{where}[{key!r}] must be a string, not {type(spec[key]).__name__}")
    root = spec["root"].strip().strip("/")
    if not root or root.endswith((".rst", ".md")):
        raise ConfigError(
            f"{where}['root'] must be a docname such as 'user/index', not {spec['root']!r}"
        )
    return PartSpec(
        name=name,
        title=spec["title"],
        root=root,
        description=spec.get("description", ""),
        kind=kind,
    )


def conf_location(conf_py: Path, *words: str) -> str:
    """``conf.py:<line>`` of the last line that mentions the first of *words* found.

    A line mentions a word when it quotes it (``"user/index"``) or assigns a name that
    starts with it (``guidebook_releasenotes_dir = ...`` mentions
    ``guidebook_releasenotes``). The last such line, because a later assignment in conf.py
    wins; line 1 when none does. The result is a ``path:line`` string: a plain path would
    be taken for a docname by Sphinx's logger (``conf.py.rst``).
    """
    try:
        lines = conf_py.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    for word in words:
        assigns = re.compile(rf"\s*{re.escape(word)}\w*\s*=")
        for number in range(len(lines), 0, -1):
            line = lines[number - 1]
            if f'"{word}"' in line or f"'{word}'" in line or assigns.match(line):
                return f"{conf_py}:{number}"
    return f"{conf_py}:1"
