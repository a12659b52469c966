extensions = ["guidebook"]
project = "Release notes test"
html_theme = "alabaster"
release = "3.0"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "For users."},
    "operator": {"title": "Operator guide", "root": "admin/index", "description": "Ops."},
    "admin": {"title": "Admin guide", "root": "admin/index", "description": "Admins."},
    "contributor": {"title": "Contributor guide", "root": "contributor/index",
                    "description": "Devs."},
}
guidebook_parts = {
    "releasenotes": {"title": "Release notes", "root": "releasenotes/index",
                     "description": "Every note."},
}
