"""``guidebook build`` for a translated site: the original, then one build per language.

Sphinx translates while it reads, so each language is a build of its own, with Sphinx's
``language`` set: into ``OUT/<lang>/`` of the same staging folder (so the site, every
language included, is published in one swap or not at all) and with an environment of its
own beside the original's (so a language whose sources and catalogs did not change reads
nothing again). Sphinx keeps the catalogs it loaded in a process-wide table: it is emptied
before each build, or one language's words would fill another's gaps.
"""

from __future__ import annotations

import dataclasses
import gc
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util.tags import Tags

from guidebook.config import GuidebookConfig
from guidebook.i18n.languages import own_name
from guidebook.manifest import (
    MANIFEST_NAME,
    Language,
    Manifest,
    ManifestError,
    load_manifest,
    write_manifest,
)
from guidebook.sphinx_internals import forget_loaded_catalogs

if TYPE_CHECKING:
    from guidebook.driver.options import BuildOptions

#: Runs one Sphinx build: (options, source, outdir, doctrees, err) -> exit status.
SphinxBuild = Callable[["BuildOptions", Path, Path, Path, TextIO], int]


@dataclasses.dataclass(frozen=True)
class LanguagePlan:
    """The languages of a site and those this build writes."""

    source: str
    configured: tuple[str, ...]
    #: the translations this build writes
    translations: tuple[str, ...]
    #: whether this build writes the original too
    original: bool


def plan_languages(source: Path, requested: Sequence[str],
                   overrides: dict[str, object]) -> LanguagePlan:
    """The plan from conf.py (``language``, ``guidebook_languages``) and ``--language``.

    Raise ConfigError for a requested language the site does not have. A conf.py that
    cannot be read gives a plan of the original alone: its build reports the error.
    """
    try:
        config = Config.read(source, overrides=dict(overrides), tags=Tags())
    except ConfigError:
        return LanguagePlan("en", (), (), True)
    GuidebookConfig.register(_ConfigRegistry(config))  # type: ignore[arg-type]
    return plan_from_config(config, requested)


def plan_from_config(config: Config, requested: Sequence[str] = ()) -> LanguagePlan:
    """The plan from a configuration already read (the original's build, when no
    ``--language`` was asked for: conf.py is not run again only to plan)."""
    original = str(config.language or "en")
    languages = getattr(config, "guidebook_languages", [])
    configured = tuple(code for code in languages if isinstance(code, str) and code != original)
    if not requested:
        return LanguagePlan(original, configured, configured, True)
    unknown = [code for code in requested if code != original and code not in configured]
    if unknown:
        raise ConfigError(
            f"--language {', '.join(unknown)}: not a language of this site (conf.py: "
            f"language {original!r}, guidebook_languages {list(configured)!r})")
    return LanguagePlan(original, configured,
                        tuple(code for code in configured if code in requested),
                        original in requested)


class _ConfigRegistry:
    """What :meth:`GuidebookConfig.register` needs of an application: ``add_config_value``."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def add_config_value(self, name: str, default: Any, rebuild: str, types: Any) -> None:
        self.config.add(name, default, rebuild, types)  # type: ignore[arg-type]


def translation_doctrees(doctrees: Path, language: str) -> Path:
    """A language's environment and doctrees, beside the original's."""
    return doctrees.with_name(f"{doctrees.name}-{language}")


def build_translations(options: BuildOptions, plan: LanguagePlan, source: Path, staging: Path,
                       doctrees: Path, err: TextIO, sphinx_build: SphinxBuild) -> int:
    """Build every language of *plan* into ``staging/<lang>/``; the first failure's status.

    A language whose warnings failed a ``--strict`` build does not stop the others: every
    language's warnings are reported in the one run.
    """
    failed = 0
    for language in plan.translations:
        overrides = {**options.overrides, "language": language,
                     "guidebook_translation_of": plan.source}
        language_options = dataclasses.replace(options, overrides=overrides)
        if not options.quiet:
            print(f"guidebook: building the {language} translation", file=err)
        forget_loaded_catalogs()
        # The build before this one (its environment, doctrees, application) is garbage
        # in reference cycles that the build's rare collections (driver.run's
        # fewer_collections) would keep through this language's build.
        gc.collect()
        try:
            status = sphinx_build(language_options, source, staging / language,
                                  translation_doctrees(doctrees, language), err)
        finally:
            forget_loaded_catalogs()
        if status == 1:
            failed = failed or status
        elif status != 0:
            return status
    if failed:
        return failed
    if not options.only and set(plan.translations) == set(plan.configured):
        _remove_dropped_languages(staging, plan)
    record_languages(staging, plan)
    return 0


def _remove_dropped_languages(staging: Path, plan: LanguagePlan) -> None:
    """Remove the language folders of languages conf.py no longer lists."""
    for folder in staging.iterdir():
        if not folder.is_dir() or folder.name in plan.configured:
            continue
        manifest = _read_manifest(folder / MANIFEST_NAME)
        if manifest is not None and manifest.language is not None:
            shutil.rmtree(folder)


def record_languages(staging: Path, plan: LanguagePlan) -> None:
    """List the site's languages, each guide's translated share among them, in the
    original's manifest (each language's own manifest has its own entry)."""
    manifest_path = staging / MANIFEST_NAME
    manifest = _read_manifest(manifest_path)
    if manifest is None:
        return
    languages = [Language(code=plan.source, name=own_name(plan.source), url="index.html",
                          original=True)]
    for code in plan.configured:
        translated = _read_manifest(staging / code / MANIFEST_NAME)
        if translated is None or translated.language is None:
            continue  # not built yet (``--language`` left it out)
        pdfs = tuple(dataclasses.replace(pdf, url=f"{code}/{pdf.url}")
                     for pdf in translated.pdfs)
        languages.append(dataclasses.replace(translated.language, url=f"{code}/index.html",
                                             source="", pdfs=pdfs))
    write_manifest(manifest_path, dataclasses.replace(manifest, languages=tuple(languages)))


def _read_manifest(path: Path) -> Manifest | None:
    if not path.is_file():
        return None
    try:
        return load_manifest(path)
    except ManifestError:
        return None
