# Two guides translated into Japanese (OpenStack's layout: doc.po, doc-<folder>.po) and
# German (Sphinx's layout: <domain>.po). The user guide is mostly translated, the admin
# guide hardly at all: with the threshold below, only the user guide is published in them.
extensions = ["guidebook"]
project = "Translated"
html_theme = "alabaster"
locale_dirs = ["locale"]
guidebook_languages = ["ja", "de"]
guidebook_languages_threshold = 0.5
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "Use it."},
    "admin": {"title": "Admin guide", "root": "admin/index", "description": "Run it."},
}
