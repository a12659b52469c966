"""Sphinx configuration of the $project documentation (written by `guidebook init`)."""

project = "$project"
copyright = "$year, the $project authors"
author = "the $project authors"

extensions = ["guidebook"]

html_theme = "alabaster"

# One guide per audience: each is built into its own site under OUT/<name>/.
guidebook_guides = {
    "user": {
        "title": "User guide",
        "root": "user/index",
        "description": "For people who use $project.",
    },
    "operator": {
        "title": "Operator guide",
        "root": "operator/index",
        "description": "For people who install, configure and run $project.",
    },
    "admin": {
        "title": "Administrator guide",
        "root": "admin/index",
        "description": "For administrators of a running deployment.",
    },
    "contributor": {
        "title": "Contributor guide",
        "root": "contributor/index",
        "description": "For people who work on $project itself.",
    },
}

# Parts of the site that are not audiences.
guidebook_parts = {
    "api-ref": {
        "title": "API reference",
        "root": "api-ref/index",
        "description": "Every call of the API, from its OpenAPI spec.",
    },
    "releasenotes": {
        "title": "Release notes",
        "root": "releasenotes/index",
        "description": "Every change, release by release, from reno.",
    },
}
guidebook_openapi_spec = "api-ref/openapi.yaml"
