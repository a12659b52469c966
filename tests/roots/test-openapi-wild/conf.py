extensions = ["guidebook"]
project = "Real-world API descriptions"
html_theme = "alabaster"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "Users."},
}
guidebook_parts = {
    "api-ref": {"title": "API reference", "root": "api-ref/index", "description": "APIs."},
}
