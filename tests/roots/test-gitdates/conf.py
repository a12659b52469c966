# openstackdocstheme's "last updated" date of each page, from the git history the test
# makes around this root (tests/test_git_dates.py).
extensions = ["guidebook", "openstackdocstheme"]
project = "Git dates"
html_theme = "openstackdocs"
openstackdocs_repo_name = "example/git-dates"
openstackdocs_auto_name = False
openstackdocs_auto_version = False
root_doc = "guide/index"
guidebook_guides = {
    "guide": {"title": "The guide", "root": "guide/index", "description": "All of it."},
}
