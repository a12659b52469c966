project = "Folders"
extensions = ["guidebook"]
html_theme = "alabaster"
guidebook_guides = {
    "everyone": {"title": "Overview", "root": "index", "description": "For everyone."},
    "user": {"title": "User guide", "root": "user/index", "description": "For users."},
    "operator": {"title": "Operator guide", "root": "admin/index", "description": "Ops."},
}
guidebook_folder_audiences = {
    "*": "*",
    "configuration/": "operator",
    "cli/": "user, operator",
    "cli/admin-*": ["operator"],
}
