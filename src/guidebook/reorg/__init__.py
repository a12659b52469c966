"""Reorganising a documentation site without breaking links."""

from __future__ import annotations


class ReorgError(Exception):
    """A problem with the input of a review command (exit status 2, no traceback)."""


__all__ = ["ReorgError"]
