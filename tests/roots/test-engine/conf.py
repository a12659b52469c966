extensions = ["guidebook"]
project = "Engine test"
html_theme = "alabaster"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "For users."},
    "operator": {"title": "Operator guide", "root": "admin/index", "description": "Ops."},
}
