extensions = ["guidebook"]
project = "Converted os-api-ref test"
html_theme = "alabaster"
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "Users."},
}
guidebook_parts = {
    "api-ref": {"title": "Compute API", "root": "api-ref/index", "description": "API."},
}
# api-ref/openapi.yaml is written by the test: guidebook convert-api-ref of
# tests/roots/test-osapiref/api-ref.
