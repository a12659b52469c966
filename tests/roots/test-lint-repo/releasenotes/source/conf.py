"""The release notes' own Sphinx project, as reno's template writes it."""

project = "Lint repository release notes"
extensions = ["reno.sphinxext"]
