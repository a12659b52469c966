"""The build driver: read once, write every guide, publish atomically."""

from __future__ import annotations

from guidebook.build.run import BuildOptions, run_build

__all__ = ["BuildOptions", "run_build"]
