"""``python -m guidebook.cli``."""

from __future__ import annotations

from guidebook.cli import console_main

console_main()
