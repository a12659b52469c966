"""A small guidebook project that guidebook lint finds clean."""

project = "Lint fixture"
extensions = ["guidebook"]
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "Use images."},
    "operator": {"title": "Operator guide", "root": "admin/index", "description": "Run."},
    "admin": {"title": "Admin guide", "root": "admin/index", "description": "Manage."},
}
guidebook_parts = {
    "api-ref": {"title": "API reference", "root": "api-ref/index", "description": "API."},
}
exclude_patterns = ["releasenotes"]
