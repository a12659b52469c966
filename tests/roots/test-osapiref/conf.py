extensions = ["guidebook", "os_api_ref"]
project = "os-api-ref test"
html_theme = "alabaster"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "Users."},
}
guidebook_parts = {
    "api-ref": {"title": "Compute API", "root": "api-ref/index", "description": "API."},
}
