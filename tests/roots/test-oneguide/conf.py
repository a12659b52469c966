# One guide, so plain Sphinx (sphinx-build -b html with root_doc "guide/index") and
# guidebook write the same pages: their sidebar navigation can be compared.
extensions = ["guidebook"]
project = "One guide"
html_theme = "alabaster"
root_doc = "guide/index"
guidebook_guides = {
    "guide": {"title": "The guide", "root": "guide/index", "description": "All of it."},
}
