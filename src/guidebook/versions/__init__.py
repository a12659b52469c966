"""Versioned documentation: every release series in one site (``guidebook build --versions``).

``guidebook_versions`` in conf.py names each version and its git ref. Each version is
built from its own tree (a worktree of its commit, beside the output, never the
reviewer's checkout) with its own conf.py and sources, by this installation's guidebook;
then the versions are assembled into one site::

    OUT/<version>/...      each version's complete site (portal, guides, parts, manifest)
    OUT/latest/...         a copy of the latest version
    OUT/index.html         the latest version's portal, listing every version
    OUT/versions.json      the versions, for themes and tools

Modules: :mod:`.spec` reads and checks the settings, :mod:`.trees` keeps each version's
tree and decides whether it changed, :mod:`.links` finds each page in the other versions
(following redirects and git renames), :mod:`.render` draws the switcher and banner,
:mod:`.assemble` writes the site, :mod:`.run` drives it all, :mod:`.marker` is what the
builder emits, :mod:`.adopt` builds a version from before the adoption. This module
imports nothing: the builder imports :mod:`.marker`.
"""
