"""What a version's build carries: the markers where the version switcher goes, its name.

A versioned build (``guidebook build --versions``) builds each version on its own, and a
version whose tree did not change is not built again; yet its switcher must list every
other version and link the same page there, which only the assembly of all versions
knows. So each page carries a marker, and the assembly replaces it page by page
(:mod:`guidebook.versions.assemble`). A plain build emits no marker.

Each version also shows its own name in the title and where templates show ``version``
and ``release`` (the sidebar): themes such as openstackdocstheme set those from the
installed package, which names the newest release in every version.
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


def page_marker(config: Config) -> str:
    """The page marker when this build is one version of a versioned site, else ""."""
    return PAGE_MARKER if config.guidebook_version_marker else ""


def portal_marker(config: Config) -> str:
    """The portal marker when this build is one version of a versioned site, else ""."""
    return PORTAL_MARKER if config.guidebook_version_marker else ""


def show_version_name(app: Sphinx, config: Config) -> None:
    """Put the version's name in the default ``html_title`` of a versioned build.

    Connected late (after themes' own ``config-inited`` handlers set ``release``). Not
    ``release`` itself: a change of it makes Sphinx read every page again, while
    ``guidebook_version_name`` makes it only write them again.
    """
    name = config.guidebook_version_name
    if name and config.html_title == f"{config.project} {config.release} documentation":
        config.html_title = f"{config.project} {name} documentation"


def page_version_name(app: Sphinx, pagename: str, templatename: str,
                      context: dict[str, Any], doctree: object) -> None:
    """Show the version's name where templates show ``version`` and ``release``."""
    name = app.config.guidebook_version_name
    if name:
        context["version"] = context["release"] = name
