extensions = ["guidebook"]
project = "Reorganisation test"
html_theme = "alabaster"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "For users."},
    "admin": {"title": "Admin guide", "root": "admin/index", "description": "Admins."},
    "contributor": {"title": "Contributor guide", "root": "contributor/index",
                    "description": "Devs."},
}
