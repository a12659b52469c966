extensions = ["guidebook", "openstackdocstheme"]
project = "Shared work"
html_theme = "openstackdocs"
openstackdocs_repo_name = "example/shared-work"
openstackdocs_auto_name = False
openstackdocs_auto_version = False
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "For users."},
    "admin": {"title": "Admin guide", "root": "admin/index", "description": "Admins."},
}
