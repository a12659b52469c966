"""The release notes of this build and the pages that show them, kept in a Sphinx domain."""

from __future__ import annotations

from collections.abc import Set
from typing import TYPE_CHECKING, Any, cast

from sphinx.domains import Domain

from guidebook.releasenotes.model import ReleaseNotes

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment


class ReleaseNotesDomain(Domain):
    """``notes``: the :class:`ReleaseNotes` reno returned for this build (loaded once, at
    ``builder-inited``); ``fingerprint``: their digest; ``stale``: whether they changed since
    the environment was last saved; ``pages``: docname -> True for every page that renders
    notes, so those pages are read again when the notes change.
    """

    name = "guidebook-releasenotes"
    label = "guidebook release notes"
    initial_data = {  # noqa: RUF012 (Sphinx's declared class attribute)
        "notes": ReleaseNotes(),
        "fingerprint": "",
        "stale": False,
        "pages": {},
    }
    data_version = 1

    @property
    def notes(self) -> ReleaseNotes:
        notes = self.data.get("notes")
        return notes if isinstance(notes, ReleaseNotes) else ReleaseNotes()

    @property
    def pages(self) -> dict[str, bool]:
        return self.data.setdefault("pages", {})  # type: ignore[no-any-return]

    def set_notes(self, notes: ReleaseNotes) -> None:
        """Keep *notes* for this build; remember whether they differ from the last build's."""
        fingerprint = notes.fingerprint()
        self.data["stale"] = fingerprint != self.data.get("fingerprint")
        self.data["fingerprint"] = fingerprint
        self.data["notes"] = notes

    @property
    def stale(self) -> bool:
        return bool(self.data.get("stale"))

    def note_page(self, docname: str) -> None:
        self.pages[docname] = True

    def clear_doc(self, docname: str) -> None:
        self.pages.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for docname in otherdata.get("pages", {}):
            if docname in docnames:
                self.pages[docname] = True

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []


def get_releasenotes_domain(env: BuildEnvironment) -> ReleaseNotesDomain:
    return cast("ReleaseNotesDomain", env.domains[ReleaseNotesDomain.name])
