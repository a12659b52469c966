# Two guides rooted at the top-level index, as guidebook init roots an adopted tree's
# guides: each shows index.rst pruned to its own pages.
extensions = ["guidebook"]
project = "Pruned home"
html_theme = "alabaster"
guidebook_guides = {
    "user": {"title": "User guide", "root": "index", "description": "Use it."},
    "admin": {"title": "Admin guide", "root": "index", "description": "Run it."},
}
guidebook_folder_audiences = {"*": "*", "user/": "user", "admin/": "admin"}
# The page's local table of contents ("on this page") in the sidebar, as
# openstackdocstheme shows it: it must not list the headings the pruning removed.
html_sidebars = {"**": ["localtoc.html", "navigation.html"]}
