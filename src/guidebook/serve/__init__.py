"""Live preview: build the site, serve it over HTTP, rebuild incrementally when a source changes.

The engine's normal build is incremental (only pages whose sources changed are read and
written again) and publishes by swapping the output directory atomically. So the server
never holds the output directory open: every request resolves its path afresh, and a reader
sees either the previous site or the new one, never a half-written page. A failed rebuild
leaves the last good site in place and prints why.
"""

from __future__ import annotations

from guidebook.serve.server import ServeOptions, serve

__all__ = ["ServeOptions", "serve"]
