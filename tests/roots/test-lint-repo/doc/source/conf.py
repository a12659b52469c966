"""A repository laid out as OpenStack's: doc/source, releasenotes/source with its own
conf.py (reno's extension), and no doc8 configuration anywhere."""

project = "Lint repository"
extensions = ["guidebook"]
guidebook_guides = {
    "user": {"title": "User guide", "root": "user/index", "description": "Use it."},
    "admin": {"title": "Admin guide", "root": "admin/index", "description": "Run it."},
}
