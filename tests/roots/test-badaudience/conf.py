extensions = ["guidebook"]
project = "Bad audience test"
html_theme = "alabaster"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index"},
    "operator": {"title": "Operator guide", "root": "admin/index"},
}
