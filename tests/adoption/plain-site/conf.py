# Configuration file for the Sphinx documentation builder (a plain Sphinx project).

project = "Glimmer"
copyright = "2026, The Glimmer authors"
author = "The Glimmer authors"

extensions = [
    "sphinx.ext.todo",
]

templates_path = ["_templates"]
exclude_patterns = ["_build"]

html_theme = "alabaster"
html_static_path = []
