extensions = ["guidebook"]
project = "Move test"
html_theme = "alabaster"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "For users."},
    "admin": {"title": "Admin guide", "root": "admin/index", "description": "Admins."},
}
