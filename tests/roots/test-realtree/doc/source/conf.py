"""A plain Sphinx project standing in for a real tree in the benchmark's own test."""

import os
import sys

from no_such_service import backend

backend.init_backend("threading")

sys.path.insert(0, os.path.join(os.path.abspath("."), "_exts"))

project = "Tiny real tree"
extensions = ["sphinx.ext.todo", "no_such_extension", "local_extension"]
