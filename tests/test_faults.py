"""Faults: a build killed halfway and two builds at once never damage the published site."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.badinput.corpus import BASE_FILES, build_quietly, snapshot, write_files

PAGES = 200
_MARKER = re.compile(r"\b(Alphaword|Betaword)\b")


def big_site(source: Path, marker: str, pages: int = PAGES) -> None:
    """A user guide of *pages* pages (plus the operator guide), every page saying *marker*."""
    names = [f"p{number:03d}" for number in range(pages)]
    paragraph = f"{marker} text about images, stores, members and import tasks. " * 10
    files = {
        "conf.py": BASE_FILES["conf.py"],
        "admin/index.rst": f"Operator guide\n==============\n\n{marker} for operators.\n",
        "user/index.rst": (
            f"User guide\n==========\n\n{marker} welcome.\n\n.. toctree::\n   :maxdepth: 2\n\n"
            + "".join(f"   {name}\n" for name in names)
        ),
    }
    for name in names:
        sections = "".join(
            f"Part {part}\n-------\n\n{paragraph}\n\n{paragraph}\n\n" for part in range(4)
        )
        files[f"user/{name}.rst"] = f"{marker} {name}\n{'=' * 20}\n\n{sections}"
    write_files(source, files)


def start_build(source: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "guidebook.cli", "build", "--source", str(source),
         "--out", str(out), "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str],
             timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, "the build ended before the moment the test waits for"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def markers(out: Path) -> set[str]:
    """The marker words found in every page and in the manifest of the site in *out*."""
    found: set[str] = set()
    for path in out.rglob("*.html"):
        if path.name in ("genindex.html", "search.html") or path in (out / "index.html",
                                                                    out / "404.html"):
            continue
        words = set(_MARKER.findall(path.read_text(encoding="utf-8")))
        assert len(words) == 1, f"{path} holds {words or 'no marker'}"
        found |= words
    manifest = json.loads((out / "guidebook.json").read_text(encoding="utf-8"))
    for guide in manifest["guides"]:
        for page in guide["pages"]:
            if page["docname"].startswith("user/p"):
                found |= set(_MARKER.findall(page["title"]))
    return found


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A 200-page site saying Alphaword, published once; returns its folder and bytes."""
    root = tmp_path_factory.mktemp("published")
    big_site(root / "src", "Alphaword")
    result = build_quietly(root / "src", root / "out")
    assert result.status == 0, result.output
    return root, snapshot(root / "out")


def test_killed_build_leaves_the_previous_site(
    published: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    root, before = published
    site = tmp_path / "site"
    shutil.copytree(root, site, symlinks=True)
    source, out = site / "src", site / "out"
    shutil.rmtree(source)
    big_site(source, "Betaword")
    staging = site / ".out.staging"
    first_new_page = staging / "user" / "p000.html"

    process = start_build(source, out)
    try:
        # Halfway: the new pages are being written into staging.
        wait_for(lambda: first_new_page.is_file()
                 and b"Betaword" in first_new_page.read_bytes(), process)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    assert staging.exists()  # killed before it could publish or clean up

    assert snapshot(out) == before
    assert markers(out) == {"Alphaword"}

    result = build_quietly(source, out)
    assert result.status == 0, result.output
    assert "Traceback" not in result.output
    assert markers(out) == {"Betaword"}
    assert not staging.exists()
    assert len(list((out / "user").glob("p*.html"))) == PAGES


def test_two_builds_at_once_never_mix(tmp_path: Path) -> None:
    alpha, beta, out = tmp_path / "alpha", tmp_path / "beta", tmp_path / "out"
    big_site(alpha, "Alphaword", pages=60)
    big_site(beta, "Betaword", pages=60)
    first = start_build(alpha, out)
    wait_for(lambda: (tmp_path / ".out.staging").exists(), first)
    second = start_build(beta, out)
    results = [process.communicate(timeout=300) for process in (first, second)]
    for process, (stdout, stderr) in zip((first, second), results, strict=True):
        assert "Traceback" not in stdout + stderr
        assert process.returncode == 0, stderr
    # The second build saw the first one holding the output and waited for it.
    assert f"guidebook: {out} is being built by pid {first.pid}; waiting for it to finish" \
        in results[1][1].splitlines()
    assert markers(out) == {"Betaword"}
    assert not (tmp_path / ".out.staging").exists()
