"""Shared fixtures: build a test root under tests/roots/ for real and read what it wrote."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import re
import shutil
import socketserver
import subprocess
import sys
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from guidebook.driver.options import BuildOptions
from guidebook.driver.run import run_build
from guidebook.manifest import MANIFEST_NAME
from guidebook.redirects.output import ERROR_DOCUMENT
from guidebook.urls import page_url

ROOTS = Path(__file__).parent / "roots"
FLAGSHIP = Path(__file__).parent.parent / "doc" / "source"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclasses.dataclass
class BuildResult:
    """What one ``guidebook build`` of a test root returned and wrote."""

    status: int
    output: str
    source: Path
    out: Path

    def page(self, part: str, docname: str) -> Path:
        """The file of *docname* in *part*, where guidebook.urls publishes it."""
        return self.out / page_url(part, docname, self.root_of(part))

    def root_of(self, part: str) -> str:
        """The part's root page, as the manifest names it ("" when it does not)."""
        if not (self.out / MANIFEST_NAME).is_file():
            return ""
        for entry in [*self.manifest["guides"], *self.manifest["parts"]]:
            if entry["name"] == part:
                return str(entry["root"])
        return ""

    def html(self, part: str, docname: str) -> str:
        return self.page(part, docname).read_text(encoding="utf-8")

    def exists(self, part: str, docname: str) -> bool:
        return self.page(part, docname).is_file()

    def searchindex(self, part: str) -> dict[str, Any]:
        text = (self.out / part / "searchindex.js").read_text(encoding="utf-8")
        data: dict[str, Any] = json.loads(text[len("Search.setIndex(") : -1])
        return data

    def inventory(self, part: str) -> list[str]:
        data = (self.out / part / "objects.inv").read_bytes()
        header_end = 0
        for _ in range(4):
            header_end = data.index(b"\n", header_end) + 1
        return zlib.decompress(data[header_end:]).decode().splitlines()

    @property
    def manifest(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.out / "guidebook.json").read_text())
        return data

    def warnings(self) -> list[str]:
        return [line for line in self.output.splitlines() if "WARNING" in line or "ERROR" in line]


Builder = Callable[..., BuildResult]


@pytest.fixture(scope="session")
def flagship_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The repository's own site (doc/source), built once with --strict."""
    result = build_source(FLAGSHIP, tmp_path_factory.mktemp("flagship") / "html", strict=True)
    assert result.status == 0, result.output
    return result


def redirect_lines(text: str) -> str:
    """The lines of an ``.htaccess`` text that whereto reads (all but ``ErrorDocument``)."""
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith(ERROR_DOCUMENT))


def run_whereto(htaccess: Path, tests: Path) -> subprocess.CompletedProcess[str]:
    """whereto on the redirect lines of *htaccess* (it cannot read ``ErrorDocument``)."""
    rules = tests.with_name(tests.name + ".htaccess")
    rules.write_text(redirect_lines(htaccess.read_text(encoding="utf-8")), encoding="utf-8")
    return subprocess.run([str(Path(sys.executable).parent / "whereto"), str(rules), str(tests)],
                          capture_output=True, text=True, check=False)


def build_source(
    source: Path, out: Path, *, strict: bool = False, fresh: bool = False,
    overrides: dict[str, object] | None = None, only: tuple[str, ...] = (),
) -> BuildResult:
    """Run a real build of *source* into *out*, capturing everything it prints."""
    stream = io.StringIO()
    status = run_build(
        BuildOptions(source=source, out=out, strict=strict, fresh=fresh, only=only,
                     overrides=dict(overrides or {})),
        stderr=stream,
    )
    return BuildResult(status, _ANSI.sub("", stream.getvalue()), source, out)


@pytest.fixture
def copy_root(tmp_path: Path) -> Callable[[str], Path]:
    """Copy ``tests/roots/test-<name>`` into a temporary folder and return the copy."""

    def copy(name: str) -> Path:
        target = tmp_path / "src" / name
        shutil.copytree(ROOTS / f"test-{name}", target)
        return target

    return copy


@pytest.fixture
def build_root(tmp_path: Path, copy_root: Callable[[str], Path]) -> Builder:
    """Build a copy of ``tests/roots/test-<name>`` into ``tmp_path/out``."""

    def build(name: str, *, strict: bool = False, overrides: dict[str, object] | None = None
              ) -> BuildResult:
        return build_source(copy_root(name), tmp_path / "out", strict=strict, overrides=overrides)

    return build


@contextlib.contextmanager
def serving(server: socketserver.TCPServer) -> Iterator[str]:
    """Run *server* (bound to 127.0.0.1) in a thread; yield its base URL (ending in ``/``)."""
    thread = threading.Thread(target=server.serve_forever, name="test-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
