extensions = ["guidebook"]
project = "Versions test"
html_theme = "alabaster"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "For users."},
    "operator": {"title": "Operator guide", "root": "admin/index", "description": "Ops."},
}
guidebook_parts = {
    "releasenotes": {"title": "Release notes", "root": "releasenotes/index",
                     "description": "Every note."},
}
# The test writes guidebook_versions below this line, series by series.
