"""guidebook: one Sphinx source tree, one build, a separate guide per audience.

Enable it in conf.py with ``extensions = ["guidebook"]`` and describe the guides in
``guidebook_guides``; build with ``guidebook build``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from guidebook.config import GuidebookConfig
from guidebook.versions.marker import page_version_name, show_version_name

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.1.0"

_HERE = Path(__file__).parent


def check_config(app: Sphinx, config: Config) -> None:
    """Validate the guide settings early and make a guide root the Sphinx root document.

    The portal replaces a top-level ``index`` page; Sphinx still needs a root document.
    """
    conf_py = Path(app.confdir, "conf.py")
    GuidebookConfig.check(config, conf_py)
    settings = GuidebookConfig.from_sphinx(config)
    specs = settings.configured_parts()
    settings.check_guide_names(specs, conf_py)
    root = Path(app.srcdir, config.root_doc)
    if not any(root.with_name(root.name + suffix).exists() for suffix in config.source_suffix):
        config.root_doc = specs[0].root
    # A page's source holds every guide's audience blocks: publishing it would leak them.
    config.html_copy_source = False
    # New lists, not append(): the defaults are shared between Sphinx apps in one process.
    templates = str(_HERE / "portal" / "templates")
    if templates not in config.templates_path:
        config.templates_path = [*config.templates_path, templates]
    static = str(_HERE / "portal" / "static")
    if static not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, static]


def setup(app: Sphinx) -> ExtensionMetadata:
    from guidebook.engine import not_found, page_bar, theme_version
    from guidebook.engine.builder import (
        GuidebookBuilder,
        filter_foreign_toctree_entries,
        note_outdated,
        note_reread,
    )

    GuidebookConfig.register(app)
    app.add_event("guidebook-site-finished")
    app.connect("config-inited", check_config, priority=100)
    app.connect("config-inited", show_version_name, priority=900)
    app.connect("html-page-context", page_version_name)
    app.setup_extension("guidebook.audiences")
    app.setup_extension("guidebook.reference")
    app.setup_extension("guidebook.releasenotes")
    app.setup_extension("guidebook.openapi")
    app.setup_extension("guidebook.engine.safety")
    app.setup_extension("guidebook.engine.replay")
    app.setup_extension("guidebook.engine.page_links")
    app.setup_extension("guidebook.redirects")
    app.setup_extension("guidebook.pdf")
    app.setup_extension("guidebook.engine.once_per_site")
    # Around openstackdocstheme's handler (priority 500), which asks pbr for the version.
    app.connect("config-inited", theme_version.keep_version, priority=450)
    app.connect("config-inited", theme_version.stop_keeping, priority=550)
    app.setup_extension("guidebook.i18n")
    app.setup_extension("guidebook.apiref.assets")
    app.setup_extension("notfound.extension")
    app.connect("config-inited", not_found.default_settings)
    # After sphinx-notfound-page's own handler (priority 400).
    app.connect("html-page-context", not_found.without_navigation, priority=450)
    app.add_builder(GuidebookBuilder)
    app.connect("doctree-resolved", filter_foreign_toctree_entries)
    app.connect("env-before-read-docs", note_reread)
    # Before the other handlers: the pages Sphinx found changed, without theirs.
    app.connect("env-get-outdated", note_outdated, priority=1)
    app.add_css_file("guidebook.css")
    app.connect("html-page-context", page_bar.add_search_script)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
