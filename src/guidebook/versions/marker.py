"""What a version's build carries: the markers where the version switcher goes, its name.

A versioned build (``guidebook build --versions``) builds each version on its own, and a
version whose tree did not change is not built again; yet its switcher must list every
other version and link the same page there, which only the assembly of all versions
knows. So each page carries a marker, and the assembly replaces it page by page
(:mod:`guidebook.versions.assemble`). A plain build emits no marker.

Each version also shows its own name in the title and where templates show ``version``
and ``release`` (the sidebar), filled in at :data:`VERSION_NAME`: themes such as
openstackdocstheme set those from the installed package, which names the newest release
in every version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: In each page's body, before the guide bar: the banner and the switcher go here.
PAGE_MARKER = "<!--guidebook:versions-->"
#: On the portal: the list of every version goes here.
PORTAL_MARKER = "<!--guidebook:portal-versions-->"
#: Where the title and the templates show the version (text: it may be in an attribute).
VERSION_NAME = "@@guidebook-version@@"


def page_marker(config: Config) -> str:
    """The page marker when this build is one version of a versioned site, else ""."""
    return PAGE_MARKER if config.guidebook_version_marker else ""


def portal_marker(config: Config) -> str:
    """The portal marker when this build is one version of a versioned site, else ""."""
    return PORTAL_MARKER if config.guidebook_version_marker else ""


def show_version_name(app: Sphinx, config: Config) -> None:
    """Put the version's name marker in the default ``html_title`` of a versioned build.

    Connected late (after themes' own ``config-inited`` handlers set ``release``). A
    marker, the same in every version, rather than the name: a title that differs makes
    Sphinx write every page again, and the versions are built one upon the other.
    """
    if config.guidebook_version_marker and (
            config.html_title == f"{config.project} {config.release} documentation"):
        config.html_title = f"{config.project} {VERSION_NAME} documentation"


def page_version_name(app: Sphinx, pagename: str, templatename: str,
                      context: dict[str, Any], doctree: object) -> None:
    """Where templates show ``version`` and ``release``: the version's name marker."""
    if app.config.guidebook_version_marker:
        context["version"] = context["release"] = VERSION_NAME
