"""Reorganising a documentation site without breaking links."""

from __future__ import annotations
