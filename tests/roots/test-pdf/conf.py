extensions = ["guidebook"]
project = "PDF test"
version = release = "3.1"
html_theme = "alabaster"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "For users."},
    "operator": {"title": "Operator guide", "root": "admin/index", "description": "Ops."},
    "admin": {"title": "Admin guide", "root": "admin/index", "description": "Admins."},
    "contributor": {"title": "Contributor guide", "root": "contributor/index",
                    "description": "Devs."},
}
