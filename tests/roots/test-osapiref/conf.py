extensions = ["guidebook", "os_api_ref", "openstackdocstheme"]
project = "os-api-ref test"
# The theme os-api-ref is made for: its detail toggles use the theme's Bootstrap.
html_theme = "openstackdocs"
openstackdocs_repo_name = "example/compute"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "Users."},
}
guidebook_parts = {
    "api-ref": {"title": "Compute API", "root": "api-ref/index", "description": "API."},
}
