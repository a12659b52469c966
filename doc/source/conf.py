"""Sphinx configuration of the flagship site: the Image service documentation."""

from __future__ import annotations

project = "Image service"
copyright = "2026, the guidebook authors"
author = "the guidebook authors"

extensions = [
    "openstackdocstheme",
    "guidebook",
]

guidebook_guides = {
    "user": {
        "title": "End user guide",
        "root": "user/index",
        "description": "Create, upload, share, import and download images.",
    },
    "operator": {
        "title": "Operator guide",
        "root": "admin/index",
        "description": "Deploy, configure, upgrade and maintain the Image service.",
    },
    "admin": {
        "title": "Administrator guide",
        "root": "admin/index",
        "description": "Manage images, members, protections and the cache on behalf of "
        "projects.",
    },
    "contributor": {
        "title": "Contributor guide",
        "root": "contributor/index",
        "description": "Develop the Image service and write these docs.",
    },
}

guidebook_parts = {
    "api-ref": {
        "title": "API reference",
        "root": "api-ref/index",
        "description": "Every call of the Images API v2, generated from its OpenAPI "
        "spec, with checked examples.",
    },
    "releasenotes": {
        "title": "Release notes",
        "root": "releasenotes/index",
        "description": "Every change, release by release, from reno.",
    },
}

# The API reference shows the examples of these responses (every response gets
# its field table).
guidebook_openapi_response_examples = ["200", "201", "202", "206", "300"]

html_theme = "openstackdocs"
openstackdocs_repo_name = "openstack/glance"
openstackdocs_bug_project = "glance"
openstackdocs_bug_tag = "doc"
openstackdocs_auto_name = False
openstackdocs_auto_version = False
openstackdocs_use_storyboard = False
version = "2026.2"
release = "2026.2"
html_last_updated_fmt = "%Y-%m-%d"
# docs.openstack.org has its own not-found page, and the docs job tests the redirects with
# whereto, which reads Redirect lines only: no ErrorDocument line in .htaccess.
guidebook_htaccess_not_found = False

# Versioned documentation (``guidebook build --versions``): each series is built from its
# own git tree into doc/build/html/<series>/. Earlier commits of main stand in for the
# release series; the latest is the commit checked out.
guidebook_versions = {
    "2025.2": "3c3ae6e2835ca6b49de4ed2bf663e5388ea020f8",
    "2026.1": "1017291f794b07e6ce525bacbb6c2d114e61e8e5",
    "2026.2": "HEAD",
}

# Translations (guidebook build publishes each under doc/build/html/<lang>/): part of the
# end user guide, in doc/source/locale/<lang>/LC_MESSAGES/doc-user.po (OpenStack's layout;
# see contributor/docs-translating). A guide less than 2% translated is published in
# English only: the other guides, so far.
guidebook_languages = ["ja", "ru"]
guidebook_languages_threshold = 0.02
