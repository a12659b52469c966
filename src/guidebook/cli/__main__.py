"""``python -m guidebook.cli``."""

from __future__ import annotations

import sys

from guidebook.cli import main

sys.exit(main())
