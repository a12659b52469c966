extensions = ["guidebook"]
project = "Marker site"
html_theme = "alabaster"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "For users."},
    "operator": {"title": "Operator guide", "root": "admin/index",
                 "description": "For operators."},
    "admin": {"title": "Admin guide", "root": "admin/index", "description": "For admins."},
}
guidebook_parts = {
    "api-ref": {"title": "API reference", "root": "api-ref/index",
                "description": "Every call of the marker images API."},
}
html_logo = "logo.svg"
html_favicon = "favicon.svg"
