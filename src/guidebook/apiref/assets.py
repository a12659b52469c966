"""os-api-ref pages kept as they are inside a guidebook build: its CSS, JS and fonts published.

os-api-ref adds ``api-site.css`` and ``api-site.js`` to every page but copies them (and
its glyph fonts) into ``_static`` only for builders named ``html``, ``readthedocs`` or
``readthedocssinglehtmllocalmedia``. guidebook's builder has its own name, so the pages
asked for files that were never written: the method badges were unstyled and the detail
toggles did nothing. This copies them for any other HTML builder, as os-api-ref would.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util.osutil import copyfile

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: The builders os-api-ref copies its assets for itself.
OWN_BUILDERS = ("html", "readthedocs", "readthedocssinglehtmllocalmedia")
#: Its files: (name in os_api_ref/assets, folder under _static).
ASSETS = (("api-site.css", ""), ("api-site.js", ""),
          ("glyphicons-halflings-regular.ttf", "fonts"),
          ("glyphicons-halflings-regular.woff", "fonts"))


def copy_assets(app: Sphinx, exception: Exception | None) -> None:
    """Publish os-api-ref's assets when os-api-ref is loaded and would not do it."""
    if (exception is not None or "os_api_ref" not in app.extensions
            or app.builder.name in OWN_BUILDERS or app.builder.format != "html"):
        return
    source = importlib.resources.files("os_api_ref") / "assets"
    for name, folder in ASSETS:
        target = Path(app.builder.outdir) / "_static" / folder
        target.mkdir(parents=True, exist_ok=True)
        with importlib.resources.as_file(source / name) as path:
            copyfile(str(path), str(target / name))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("build-finished", copy_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
