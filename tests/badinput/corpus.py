"""The bad-input corpus machinery: a good site is published, then a broken copy is built.

Every case is a few files laid over a small good site. The good site is built once per
test module (``baseline``); each case copies it (sources, published output and saved
environment), breaks the copy, builds it again into the same output directory and checks
the exit status, the exact ``path:line: message`` lines, that no Python traceback was
printed, and that the published site is byte for byte what the good build left.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from guidebook.driver.options import BuildOptions
from guidebook.driver.run import run_build
from tests.conftest import BuildResult

#: The good site every case starts from: two guides, three pages, a marker word.
BASE_FILES: dict[str, str] = {
    "conf.py": (
        'extensions = ["guidebook"]\n'
        'project = "Bad input"\n'
        'html_theme = "alabaster"\n'
        "guidebook_guides = {\n"
        '    "user": {"title": "User guide", "root": "user/index", "description": "Users."},\n'
        '    "operator": {"title": "Operator guide", "root": "admin/index",\n'
        '                 "description": "Operators."},\n'
        "}\n"
    ),
    "user/index.rst": (
        "User guide\n==========\n\nGoodword for users.\n\n.. toctree::\n\n   page\n"
    ),
    "user/page.rst": "A page\n======\n\nGoodword page text.\n",
    "admin/index.rst": "Operator guide\n==============\n\nGoodword for operators.\n",
}

#: A file's new content; ``None`` deletes the file.
Files = Mapping[str, "str | bytes | None"]


@dataclasses.dataclass(frozen=True)
class Case:
    """One bad input: files laid over the good site and what the build must say.

    ``messages`` are the exact text that must start a line of the output; ``{src}`` is
    the source directory and ``{out}`` the output directory.
    """

    id: str
    files: Files
    status: int
    messages: tuple[str, ...]
    strict: bool = True
    absent: tuple[str, ...] = ()  # text that must appear nowhere in the output

    def __str__(self) -> str:
        return self.id


@dataclasses.dataclass
class Baseline:
    """A good site built once: its folder (``src``, ``out``, saved state) and output bytes."""

    root: Path
    snapshot: dict[str, bytes]


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def build_quietly(source: Path, out: Path, *, strict: bool = True) -> BuildResult:
    """A real build that prints only warnings and errors (no progress lines between them)."""
    stream = io.StringIO()
    status = run_build(
        BuildOptions(source=source, out=out, strict=strict, quiet=True), stderr=stream
    )
    return BuildResult(status, _ANSI.sub("", stream.getvalue()), source, out)


def write_files(source: Path, files: Files) -> None:
    for relative, content in files.items():
        path = source / relative
        if content is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file under *out* (relative path -> bytes); symlinks are not followed."""
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def make_baseline(root: Path, files: Files = BASE_FILES) -> Baseline:
    """Write and publish the good site under *root* (``src`` and ``out``)."""
    write_files(root / "src", files)
    result = build_quietly(root / "src", root / "out")
    assert result.status == 0, result.output
    return Baseline(root, snapshot(root / "out"))


def broken_copy(baseline: Baseline, where: Path, files: Files) -> tuple[Path, Path]:
    """A copy of the baseline's folder under *where* with *files* laid over its sources."""
    site = where / "site"
    shutil.copytree(baseline.root, site, symlinks=True)
    write_files(site / "src", files)
    return site / "src", site / "out"


def assert_messages(output: str, messages: tuple[str, ...], source: Path, out: Path) -> None:
    text = "\n" + output
    for message in messages:
        expected = message.format(src=source, out=out)
        assert "\n" + expected in text, f"missing line start {expected!r} in:\n{output}"


def assert_intact(baseline: Baseline, out: Path) -> None:
    """The published site is exactly what the good build wrote; no staging dir is left."""
    after = snapshot(out)
    assert sorted(after) == sorted(baseline.snapshot)
    changed = [name for name, data in after.items() if data != baseline.snapshot[name]]
    assert changed == []
    assert not (out.parent / f".{out.name}.staging").exists()


def check_case(case: Case, baseline: Baseline, where: Path) -> BuildResult:
    """Build the broken copy for *case* and check everything the corpus promises."""
    source, out = broken_copy(baseline, where, case.files)
    result = build_quietly(source, out, strict=case.strict)
    assert result.status == case.status, result.output
    assert "Traceback" not in result.output, result.output
    assert "internal error" not in result.output, result.output
    assert_messages(result.output, case.messages, source, out)
    for text in case.absent:
        assert text not in result.output, result.output
    if case.status != 0:
        assert "the published site in" in result.output
        assert_intact(baseline, out)
    return result


def run_cli(
    *args: str | os.PathLike[str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m guidebook.cli`` the way a user does; return what it printed."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, "-m", "guidebook.cli", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, env=env, check=False,
    )


def timed(function: Callable[[], BuildResult]) -> tuple[BuildResult, float]:
    start = time.monotonic()
    result = function()
    return result, time.monotonic() - start


def baseline_fixture(files: Files = BASE_FILES) -> Callable[[pytest.TempPathFactory], Baseline]:
    """A module-scoped fixture that publishes the good site once for a test module."""

    @pytest.fixture(scope="module")
    def baseline(tmp_path_factory: pytest.TempPathFactory) -> Baseline:
        return make_baseline(tmp_path_factory.mktemp("baseline"), files)

    return baseline
