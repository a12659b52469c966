"""The tiny tree's release notes, as its own release notes job builds them."""

project = "Tiny real tree release notes"
extensions = ["reno.sphinxext"]
