"""The markers a version's build leaves where the version switcher goes.

A versioned build (``guidebook build --versions``) builds each version on its own, and a
version whose tree did not change is not built again; yet its switcher must list every
other version and link the same page there, which only the assembly of all versions
knows. So each page carries a marker, and the assembly replaces it page by page
(:mod:`guidebook.versions.assemble`). A plain build emits no marker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.config import Config

#: In each page's body, before the guide bar: the banner and the switcher go here.
PAGE_MARKER = "<!--guidebook:versions-->"
#: On the portal: the list of every version goes here.
PORTAL_MARKER = "<!--guidebook:portal-versions-->"


def page_marker(config: Config) -> str:
    """The page marker when this build is one version of a versioned site, else ""."""
    return PAGE_MARKER if config.guidebook_version_marker else ""


def portal_marker(config: Config) -> str:
    """The portal marker when this build is one version of a versioned site, else ""."""
    return PORTAL_MARKER if config.guidebook_version_marker else ""
