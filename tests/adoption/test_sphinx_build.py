"""``sphinx-build -b guidebook SOURCE OUT`` (what Read the Docs and OpenStack's docs jobs
run) writes the same site as ``guidebook build``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOTS, build_source


def _files(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes()
            for path in sorted(out.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("root", ["folders", "openapi"])
def test_sphinx_build_writes_the_same_site_as_guidebook_build(
    root: str, tmp_path: Path
) -> None:
    source = ROOTS / f"test-{root}"
    by_sphinx = tmp_path / "sphinx-build"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "guidebook", "-W", "-q",
         "-d", str(tmp_path / "doctrees"), str(source), str(by_sphinx)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    by_guidebook = build_source(source, tmp_path / "guidebook-build", strict=True)
    assert by_guidebook.status == 0, by_guidebook.output
    ours, theirs = _files(by_guidebook.out), _files(by_sphinx)
    assert sorted(theirs) == sorted(ours)
    assert "guidebook.json" in ours
    different = [name for name in ours if ours[name] != theirs[name]]
    assert different == []
