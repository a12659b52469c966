extensions = ["guidebook"]
project = "OpenAPI 3.0 test"
html_theme = "alabaster"
openapi_default_renderer = "httpdomain"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "Users."},
}
guidebook_parts = {
    "api-ref": {"title": "API reference", "root": "api-ref/index", "description": "API."},
}
