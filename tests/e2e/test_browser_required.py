"""Without Chromium the end-to-end tests skip with a hint, except in CI where they fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run_without_chromium(ci: str, empty: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": ci, "PATH": str(empty)}  # no chromium to be found
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rsE",
         "tests/e2e/test_marker_site.py::test_audience_blocks_show_only_in_their_guide"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.mark.parametrize(("ci", "status", "word"), [("", 0, "SKIPPED"), ("true", 1, "ERROR")])
def test_missing_chromium(ci: str, status: int, word: str, tmp_path: Path) -> None:
    result = run_without_chromium(ci, tmp_path)
    assert result.returncode == status, result.stdout
    assert word in result.stdout
    assert "apt-get install -y chromium" in result.stdout
