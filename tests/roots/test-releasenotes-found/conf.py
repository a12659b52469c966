# Two guides and no release notes part: the repository's reno notes are found anyway.
extensions = ["guidebook"]
project = "Found notes"
html_theme = "alabaster"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "Use it."},
    "operator": {"title": "Operator guide", "root": "operator/index", "description": "Run it."},
}
