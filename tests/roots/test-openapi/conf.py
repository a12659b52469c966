extensions = ["guidebook"]
project = "OpenAPI test"
html_theme = "alabaster"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "Users."},
    "operator": {"title": "Operator guide", "root": "admin/index", "description": "Ops."},
    "admin": {"title": "Admin guide", "root": "admin/index", "description": "Admins."},
}
guidebook_parts = {
    "api-ref": {"title": "API reference", "root": "api-ref/index", "description": "API."},
}
