extensions = ["guidebook"]
project = "Assets"
html_theme = "alabaster"
html_static_path = ["static"]
html_css_files = ["custom.css"]
html_extra_path = ["extra"]
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "For users."},
    "operator": {"title": "Operator guide", "root": "admin/index", "description": "Ops."},
}
