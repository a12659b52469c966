"""The typed settings of guidebook: the single source of truth for conf.py values.

Every field of :class:`GuidebookConfig` is registered as the conf.py value
``guidebook_<field>`` with its default; the CLI and the configuration reference page read
the same dataclass.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sphinx.errors import ConfigError

from guidebook.urls import page_path, page_url, path_in_part

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

#: What a part of the site is: a guide (an audience) or another part (API reference...).
PartKind = Literal["guide", "part"]
#: The settings that list each kind, in the order the site lists them.
_PART_SETTINGS: tuple[tuple[str, PartKind], ...] = (("guides", "guide"), ("parts", "part"))

#: ``guidebook_openapi_pages`` values: one page per tag, per first path segment, or one.
OPENAPI_PAGINGS = ("tag", "path", "single")
#: ``guidebook_openapi_markup`` values.
OPENAPI_MARKUPS = ("commonmark", "restructuredtext")

#: A setting's validator, in its field's ``metadata["validate"]``: why a value of the
#: right type is still wrong ("must be ..."), or None when it is right.
Validator = Callable[[Any], "str | None"]


def one_of(*choices: str) -> Validator:
    """A validator accepting only *choices*."""

    def validate(value: Any) -> str | None:
        if value in choices:
            return None
        return f"must be one of {', '.join(map(repr, choices))}, not {value!r}"

    return validate


def at_least(minimum: int) -> Validator:
    """A validator accepting whole numbers from *minimum* up."""

    def validate(value: Any) -> str | None:
        return None if value >= minimum else f"must be at least {minimum}, not {value!r}"

    return validate


#: A language code as Sphinx takes it: ``ja``, ``pt_BR``, ``zh_CN``, ``sr@latin``.
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*(?:@[a-z]+)?$")


def language_codes(value: Any) -> str | None:
    """A validator for a list of language codes (``['de', 'ja', 'pt_BR']``)."""
    wrong = [code for code in value if not LANGUAGE_CODE.match(code)]
    if wrong:
        return f"must be language codes such as 'de', 'ja' or 'pt_BR', not {wrong!r}"
    return None


def share(value: Any) -> str | None:
    """A validator for a share: a number from 0 to 1."""
    return None if 0 <= value <= 1 else f"must be a number from 0 to 1 (a share), not {value!r}"


_URL_PATH = re.compile(r"/(?:[A-Za-z0-9._-]+/)*\Z")


def url_path(value: Any) -> str | None:
    """A validator for a URL path that starts and ends with ``/`` (``/glance/latest/``)."""
    if _URL_PATH.match(value) and "/../" not in value and "/./" not in value:
        return None
    return (f"must be a URL path such as '/' or '/glance/latest/' (starting and ending "
            f"with '/', letters, digits, '.', '_', '-'), not {value!r}")


@dataclasses.dataclass(frozen=True)
class Part:
    """One part of the site: a guide (an audience) or another part such as the API reference.

    As conf.py describes it (:meth:`GuidebookConfig.configured_parts`) it has no pages; the site
    model (:func:`guidebook.sites.get_site`) gives each part the pages it includes.
    """

    name: str
    title: str
    root: str
    description: str
    kind: PartKind
    #: The docnames of the part's pages (empty until the site is read).
    docnames: frozenset[str] = frozenset()

    @property
    def folder(self) -> str:
        """The top folder of the root page ("" when the root is at the top of the tree)."""
        return self.root.split("/", 1)[0] if "/" in self.root else ""

    def path(self, docname: str) -> str:
        """Where *docname* is published in this part, from the site root, no suffix
        (:mod:`guidebook.urls`): ``user/sharing``, ``operator/index``."""
        return page_path(self.name, docname, self.root, self.docnames)

    def path_in_part(self, docname: str) -> str:
        """Where *docname* is published inside the part's folder: ``sharing``."""
        return path_in_part(docname, self.root, self.name, self.docnames)

    def url(self, docname: str) -> str:
        """*docname*'s URL in this part, from the site root: ``user/sharing.html``."""
        return page_url(self.name, docname, self.root, pages=self.docnames)


@dataclasses.dataclass
class GuidebookConfig:
    """guidebook's conf.py settings; each field is the conf.py value ``guidebook_<name>``."""

    guides: dict[str, dict[str, str]] = dataclasses.field(
        default_factory=dict,
        metadata={
            "rebuild": "env",
            "table": True,
            "doc": "Ordered mapping of guide name to ``{title, root, description}``; "
            "each guide is an audience and gets its own site under ``OUT/<name>/``.",
        },
    )
    parts: dict[str, dict[str, str]] = dataclasses.field(
        default_factory=dict,
        metadata={
            "rebuild": "env",
            "table": True,
            "doc": "Further parts of the site that are not audiences (API reference, "
            "release notes), same shape as ``guides``; written to ``OUT/<name>/``.",
        },
    )
    folder_audiences: dict[str, str | list[str]] = dataclasses.field(
        default_factory=dict,
        metadata={
            "table": True,
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
    include_roots: list[str] = dataclasses.field(
        default_factory=list,
        metadata={
            "rebuild": "env",
            "doc": "Folders outside the repository whose files ``include``, "
            "``literalinclude`` and ``image`` may publish, relative to conf.py's folder "
            "(such as ``['../../shared-docs']``). Files anywhere inside the repository "
            "(its git work tree; the source directory when there is none) are always "
            "allowed; anything else, through a path or a symlink, is refused.",
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
                  "validate": one_of(*OPENAPI_PAGINGS),
                  "doc": "How the API reference of ``guidebook_openapi_spec`` is paged: "
                  "``tag`` (one generated page per tag, under ``operations/`` next to the "
                  "spec), ``path`` (one per first path segment) or ``single`` (one page)."},
    )
    openapi_markup: str = dataclasses.field(
        default="commonmark",
        metadata={"rebuild": "env",
                  "validate": one_of(*OPENAPI_MARKUPS),
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
            "validate": url_path,
            "doc": "The URL path at which the site is published, such as ``/glance/latest/``; "
            "every path in the generated ``.htaccess`` starts with it.",
        },
    )
    switcher: bool = dataclasses.field(
        default=True,
        metadata={"rebuild": "html",
                  "doc": "Show the guide bar and the audience switcher (the same page in "
                  "the other guides that have it, every other guide's closest page or "
                  "home)."},
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
                  "validate": at_least(1),
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
    releasenotes_automatic: bool = dataclasses.field(
        default=True,
        metadata={"doc": "When the repository has reno notes (``releasenotes/notes/``) and "
                  "no part named ``guidebook_releasenotes_part``, publish them anyway as "
                  "that part, with a generated root page and an info message naming the "
                  "setting that makes it explicit. ``False`` leaves them out.",
                  # It adds a part: which pages exist and where they belong.
                  "rebuild": "env"},
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

    languages: list[str] = dataclasses.field(
        default_factory=list,
        metadata={"doc": "The languages the site is translated into, such as ``['de', 'ja']``: "
                  "``guidebook build`` publishes each under ``OUT/<lang>/`` from the catalogs "
                  "in ``locale_dirs`` (Sphinx's layout, or OpenStack's ``doc.po`` and "
                  "``doc-<folder>.po``) and reno's ``releasenotes/source/locale``.",
                  "validate": language_codes,
                  # The source's pages only link to the other languages.
                  "rebuild": "html"},
    )
    languages_threshold: float | int = dataclasses.field(
        default=0.0,
        metadata={"doc": "The share of a guide's messages (0 to 1) that must be translated for "
                  "the guide to be published in a language; a guide below it is published in "
                  "the original only, and that language's portal says so.",
                  "validate": share,
                  "rebuild": ""},
    )
    translation_of: str = dataclasses.field(
        default="",
        metadata={"doc": "Set by ``guidebook build`` for each language's build: the language "
                  "the sources are written in. Leave it off in conf.py.",
                  "rebuild": ""},
    )

    @classmethod
    def register(cls, app: Sphinx) -> None:
        """Register every field as a conf.py value ``guidebook_<name>``.

        Each with its rebuild scope (``"env"`` only when a change alters what is read,
        ``"html"`` when it alters the pages written, ``""`` when guidebook writes what it
        affects on every build) and the types its annotation allows.
        """
        hints = setting_types(cls)
        for field in dataclasses.fields(cls):
            app.add_config_value(f"guidebook_{field.name}", field_default(field),
                                 field.metadata["rebuild"],
                                 types=frozenset(outer_types(hints[field.name])))

    @classmethod
    def check(cls, config: Config, conf_py: Path) -> None:
        """The one check of every setting, at ``config-inited``.

        Each value must have its field's type (from its annotation) and pass the field's
        validator (``metadata["validate"]``); the first that does not is a ConfigError at
        the line of conf.py that sets it. Settings whose value is a table (the guides and
        parts, the folder audiences) are checked entry by entry by the code that reads them
        (:meth:`configured_parts`, :func:`guidebook.audiences.folders.folder_rules`), also as
        ConfigError at their conf.py line; their fields say ``metadata["table"]``.
        """
        hints = setting_types(cls)
        for field in dataclasses.fields(cls):
            if field.metadata.get("table"):
                continue  # checked entry by entry where it is read
            name = f"guidebook_{field.name}"
            value = getattr(config, name)
            problem = setting_problem(value, hints[field.name], field.metadata.get("validate"))
            if problem is not None:
                raise ConfigError(f"conf.py:{conf_line(conf_py, name)}: {name} {problem}")

    @classmethod
    def from_sphinx(cls, config: Config) -> GuidebookConfig:
        """Read the conf.py values back into one typed object."""
        values = {
            field.name: getattr(config, f"guidebook_{field.name}")
            for field in dataclasses.fields(cls)
        }
        return cls(**values)

    def check_guide_names(self, specs: list[Part], conf_py: Path) -> None:
        """ConfigError at its conf.py line for a setting that names a guide there is not.

        The default release-notes routing names the usual guides; a site without one of
        them simply has no page for it.
        """
        default = {name: list(names) for name, names in RELEASENOTES_ROUTING}
        if self.releasenotes_routing == default:
            return
        guides = [part.name for part in specs if part.kind == "guide"]
        for section, names in self.releasenotes_routing.items():
            for name in names:
                if name not in (*guides, ALL_GUIDES):
                    line = conf_line(conf_py, "guidebook_releasenotes_routing")
                    raise ConfigError(
                        f"conf.py:{line}: guidebook_releasenotes_routing[{section!r}]: "
                        f"unknown guide {name!r} (known: {', '.join(guides)}, "
                        f"or {ALL_GUIDES!r} for all)"
                    )

    def configured_parts(self) -> list[Part]:
        """Validated guides then parts, in conf.py order; raise ConfigError on bad values."""
        specs: list[Part] = []
        seen: set[str] = set()
        for setting, kind in _PART_SETTINGS:
            mapping = getattr(self, setting)
            if not isinstance(mapping, Mapping):
                raise ConfigError(
                    f"conf.py: guidebook_{setting} must be a dict of name -> "
                    f"{{'title', 'root', 'description'}}, not {type(mapping).__name__}"
                )
            for name, spec in mapping.items():
                specs.append(_configured_part(setting, kind, name, spec, seen))
        if not any(spec.kind == "guide" for spec in specs):
            raise ConfigError("conf.py: guidebook_guides must name at least one guide")
        return specs


def setting_types(settings: type) -> dict[str, Any]:
    """Each setting's type, from the annotations of *settings* (:class:`GuidebookConfig`)."""
    return typing.get_type_hints(settings)


def outer_types(hint: Any) -> set[type]:
    """The classes a value of type *hint* may be (``dict[str, str] | None``: dict, None)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return set().union(*(outer_types(arg) for arg in typing.get_args(hint)))
    origin = typing.get_origin(hint)
    if origin is Literal:
        return {type(arg) for arg in typing.get_args(hint)}
    return {origin if origin is not None else hint}


def matches_type(value: Any, hint: Any) -> bool:
    """Whether *value* is of type *hint*, its items and keys included."""
    if hint is Any:
        return True
    if hint is type(None) or hint is None:
        return value is None
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return any(matches_type(value, arg) for arg in typing.get_args(hint))
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        return value in args
    if hint is int:  # True is an int to Python, not a number in conf.py
        return isinstance(value, int) and not isinstance(value, bool)
    if origin is None:
        return isinstance(value, hint)
    if origin in (list, tuple) and not isinstance(value, (list, tuple)):
        return False
    if origin is tuple and args and args[-1] is not Ellipsis:
        return len(value) == len(args) and all(map(matches_type, value, args))
    if origin in (list, tuple):
        return not args or all(matches_type(item, args[0]) for item in value)
    if origin is dict:
        return isinstance(value, Mapping) and all(
            matches_type(key, args[0]) and matches_type(item, args[1])
            for key, item in value.items())
    return isinstance(value, origin)


_TYPE_NAMES: dict[Any, tuple[str, str]] = {
    str: ("a string", "strings"),
    bool: ("True or False", "flags"),
    int: ("a whole number", "whole numbers"),
    float: ("a number", "numbers"),
    type(None): ("None", "None"),
}


def describe_type(hint: Any, plural: bool = False) -> str:
    """*hint* in words: ``dict[str, list[str]]`` is "a dict of strings to lists of strings"."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return " or ".join(describe_type(arg, plural) for arg in typing.get_args(hint))
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        return "one of " + ", ".join(map(repr, args))
    if hint in _TYPE_NAMES:
        return _TYPE_NAMES[hint][plural]
    outer = {list: "list", tuple: "tuple", dict: "dict"}.get(origin or hint, "value")
    word = f"{outer}s" if plural else f"a {outer}"
    if origin is dict:
        return f"{word} of {describe_type(args[0], True)} to {describe_type(args[1], True)}"
    if origin in (list, tuple) and args:
        return f"{word} of {describe_type(args[0], True)}"
    return word


def setting_problem(value: Any, hint: Any, validate: Validator | None = None) -> str | None:
    """What is wrong with *value* for a setting of type *hint* ("must be ..."), or None."""
    if not matches_type(value, hint):
        return f"must be {describe_type(hint)}, not {type(value).__name__} ({value!r})"
    return validate(value) if validate is not None else None


def field_default(field: dataclasses.Field[Any]) -> Any:
    """A fresh copy of the setting's default."""
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


def _configured_part(setting: str, kind: PartKind, name: object, spec: object,
               seen: set[str]) -> Part:
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
    return Part(
        name=name,
        title=spec["title"],
        root=root,
        description=spec.get("description", ""),
        kind=kind,
    )


def conf_line(conf_py: Path, *words: str) -> int:
    """The line of conf.py that last mentions the first of *words* found (1 if none does).

    A line mentions a word when it quotes it (``"user/index"``) or assigns a name that
    starts with it (``guidebook_releasenotes_dir = ...`` mentions
    ``guidebook_releasenotes``). The last such line, because a later assignment in conf.py
    wins.
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
                return number
    return 1


def conf_location(conf_py: Path, *words: str) -> str:
    """``conf.py:<line>`` of :func:`conf_line`, as Sphinx's logger takes a location.

    A ``path:line`` string: a plain path would be taken for a docname by Sphinx's logger
    (``conf.py.rst``).
    """
    return f"{conf_py}:{conf_line(conf_py, *words)}"
