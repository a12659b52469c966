"""Language codes, their names, and guidebook's own words in the reader's language.

guidebook's notices (an untranslated page, a guide published in the original only) are
translated like any Sphinx extension's messages: a gettext catalog per language in
``guidebook/i18n/locale/<lang>/LC_MESSAGES/guidebook.po``, compiled with babel at build time
beside the doctrees (no ``.mo`` is kept in the source) and loaded through
:meth:`sphinx.application.Sphinx.add_message_catalog`.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sphinx.locale import get_translation

#: guidebook's message catalog (a gettext domain of its own).
MESSAGE_CATALOG = "guidebook"
#: The translations of guidebook's own words, shipped with the package.
UI_LOCALE_DIR = Path(__file__).parent / "locale"

_ = get_translation(MESSAGE_CATALOG)


def hreflang(code: str) -> str:
    """The BCP 47 tag of a Sphinx language code (``pt_BR`` -> ``pt-BR``)."""
    return code.split("@", 1)[0].replace("_", "-")


def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code.split("@", 1)[0].replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None


def own_name(code: str) -> str:
    """The language's name in itself, as a reader looks for it: ``日本語``, ``Русский``."""
    locale = _locale(code)
    name = locale.get_display_name(locale) if locale is not None else None
    return (name[:1].upper() + name[1:]) if name else code


def name_in(code: str, reader: str) -> str:
    """The name of language *code* in the language *reader* reads (``英語`` for en in ja)."""
    locale, reader_locale = _locale(code), _locale(reader)
    if locale is None or reader_locale is None:
        return code
    name = reader_locale.languages.get(locale.language)
    return name or own_name(code)


def compile_ui_messages(language: str, target: Path) -> Path | None:
    """Compile guidebook's catalog for *language* into *target* (a locale dir) when the
    shipped ``.po`` is newer; the locale dir, or None when guidebook has no translation."""
    locale = _locale(language)
    candidates = [language, language.replace("-", "_")]
    if locale is not None:
        candidates += [str(locale), locale.language]
    for candidate in candidates:
        po_path = UI_LOCALE_DIR / candidate / "LC_MESSAGES" / f"{MESSAGE_CATALOG}.po"
        if po_path.is_file():
            break
    else:
        return None
    # gettext looks the catalog up under the language it was asked for.
    mo_path = target / language / "LC_MESSAGES" / f"{MESSAGE_CATALOG}.mo"
    if not mo_path.is_file() or mo_path.stat().st_mtime_ns < po_path.stat().st_mtime_ns:
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with open(po_path, "rb") as handle:
            catalog = read_po(handle, locale=str(locale) if locale else None)
        tmp = mo_path.with_suffix(".tmp")
        with open(tmp, "wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        tmp.replace(mo_path)
    return target
