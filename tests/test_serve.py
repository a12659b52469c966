"""``guidebook serve``: build, serve, rebuild incrementally on a change, survive bad builds."""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from guidebook.serve.server import BUILD_ID_PATH, PreviewHandler, PreviewServer, _State
from guidebook.serve.watch import changed, snapshot
from tests.conftest import serving

ROOTS = Path(__file__).parent / "roots"
TIMEOUT = 20.0
#: Pages Sphinx writes for every guide it writes anything into, the portal and the 404 page.
GENERATED = re.compile(r"(^|/)(genindex|search)\.html$|^(index|404)\.html$")


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")


def wait_until(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> float:
    """Poll *condition* until it holds; return the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


def html_stamps(out: Path) -> dict[str, int]:
    return {path.relative_to(out).as_posix(): path.stat().st_mtime_ns
            for path in out.rglob("*.html")}


class ServeProcess:
    """``guidebook serve`` running in a subprocess; its output collected line by line."""

    def __init__(self, source: Path, out: Path) -> None:
        self.source = source
        self.out = out
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "guidebook.cli", "serve", "--source", str(source),
             "--out", str(out), "--port", "0", "--interval", "0.2"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for(r"serving (http://\S+)").group(1)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, pattern: str) -> re.Match[str]:
        """The first line from now on matching *pattern*."""
        deadline = time.monotonic() + TIMEOUT * 2
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.process.poll() is None, "".join(self.output)
                continue
            self.output.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(f"no line matching {pattern!r} in:\n{''.join(self.output)}")

    def stop(self) -> int:
        self.process.terminate()
        return self.process.wait(timeout=30)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServeProcess]:
    source = tmp_path / "src"
    shutil.copytree(ROOTS / "test-audiences", source)
    server = ServeProcess(source, tmp_path / "html")
    try:
        yield server
    finally:
        if server.process.poll() is None:
            assert server.stop() == 0, "".join(server.output)


def test_an_edit_is_visible_after_an_incremental_rebuild(served: ServeProcess) -> None:
    source = served.source
    page_url = served.url + "user/upload.html"
    status, body = fetch(page_url)
    assert status == 200 and "Uploading puts the image data" in body
    before = html_stamps(served.out)

    upload = source / "user" / "upload.rst"
    upload.write_text(upload.read_text().replace(
        "Uploading puts the image data", "Uploading sends the image bytes"))
    latency = wait_until(lambda: "Uploading sends the image bytes" in fetch(page_url)[1],
                         "the edit shows on the served page")
    served.wait_for(r"rebuilt in")
    assert latency < TIMEOUT
    after = html_stamps(served.out)

    rewritten = {page for page in after if after[page] != before.get(page)}
    edited = {"user/upload.html", "contributor/user/upload.html"}
    # Sphinx also rewrites the pages whose toctree lists the edited page (its title shows
    # there); every other page of the site stays as it was.
    parents = {"user/index.html", "contributor/index.html"}
    assert edited <= rewritten
    assert {page for page in rewritten if not GENERATED.search(page)} <= edited | parents
    for untouched in ("user/common/statuses.html", "operator/index.html",
                      "operator/deploy.html", "admin/index.html",
                      "contributor/internals.html"):
        assert after[untouched] == before[untouched], untouched
    assert not any(page.startswith(("operator/", "admin/")) for page in rewritten)


def test_a_failed_rebuild_keeps_the_last_good_site(served: ServeProcess) -> None:
    source = served.source
    page_url = served.url + "user/index.html"
    conf = source / "conf.py"
    good = conf.read_text()
    conf.write_text(good + "\nextensions = [\n")  # a syntax error: no build can start
    served.wait_for(r"rebuild failed")
    status, body = fetch(page_url)
    assert status == 200 and "Welcome, users." in body

    conf.write_text(good)
    index = source / "user" / "index.rst"
    index.write_text(index.read_text().replace("Welcome, users.", "Hello again, users."))
    wait_until(lambda: "Hello again, users." in fetch(page_url)[1], "the fixed site is served")


def test_pages_reload_themselves_after_a_rebuild(served: ServeProcess) -> None:
    status, body = fetch(served.url + "user/index.html")
    assert status == 200 and BUILD_ID_PATH in body
    assert fetch(served.url + BUILD_ID_PATH) == (200, "1")
    source = served.source
    (source / "user" / "index.rst").write_text(
        (source / "user" / "index.rst").read_text() + "\nOne more line.\n")
    wait_until(lambda: fetch(served.url + BUILD_ID_PATH) == (200, "2"), "build 2 published")


# -- the HTTP side, without builds -----------------------------------------------------------


@contextlib.contextmanager
def preview(out: Path) -> Iterator[str]:
    state = _State(out=out, live_reload=True)
    server = PreviewServer(("127.0.0.1", 0), functools.partial(PreviewHandler, state=state))
    with serving(server) as url:
        yield url


def test_handler_follows_a_swapped_output_directory(tmp_path: Path) -> None:
    out = tmp_path / "html"
    out.mkdir()
    (out / "page.html").write_text("<html><body>first</body></html>")
    with preview(out) as url:
        assert "first" in fetch(url + "page.html")[1]
        staging = tmp_path / "staging"
        staging.mkdir()
        (staging / "page.html").write_text("<html><body>second</body></html>")
        os.rename(out, tmp_path / "old")
        os.rename(staging, out)
        status, body = fetch(url + "page.html")
        assert status == 200 and "second" in body and body.index("second") < body.index(
            "<script>")


def test_a_guide_folder_and_a_missing_url_answer_like_the_published_site(
    tmp_path: Path,
) -> None:
    out = tmp_path / "html"
    (out / "user").mkdir(parents=True)
    (out / "user" / "index.html").write_text("<html><body>the user guide</body></html>")
    with preview(out) as url:
        assert fetch(url + "user/")[0] == 200 and "the user guide" in fetch(url + "user/")[1]
        assert fetch(url + "user/gone.html")[0] == 404
        (out / "404.html").write_text("<html><body>Page not found</body></html>")
        status, body = fetch(url + "user/deep/gone.html")
    assert status == 404 and "Page not found" in body


def test_no_site_yet_answers_503_with_a_reason(tmp_path: Path) -> None:
    with preview(tmp_path / "missing") as url:
        status, body = fetch(url + "index.html")
    assert status == 503
    assert "first build failed" in body


def test_snapshot_sees_added_changed_and_removed_files(tmp_path: Path) -> None:
    (tmp_path / "a.rst").write_text("one")
    (tmp_path / "b.rst").write_text("two")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.rst").write_text("ignored")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "page.html").write_text("ignored")
    before = snapshot([tmp_path], ignore=[tmp_path / "out"])
    assert sorted(path.name for path in before) == ["a.rst", "b.rst"]
    (tmp_path / "a.rst").write_text("one, longer")
    (tmp_path / "b.rst").unlink()
    (tmp_path / "c.rst").write_text("three")
    (tmp_path / "out" / "page.html").write_text("still ignored")
    after = snapshot([tmp_path], ignore=[tmp_path / "out"])
    assert [path.name for path in changed(before, after)] == ["a.rst", "b.rst", "c.rst"]


def test_cli_rejects_a_missing_conf_py(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "guidebook.cli", "serve", "--source", str(tmp_path),
         "--out", str(tmp_path / "out"), "--port", "0"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 2
    assert f"guidebook: error: {tmp_path.resolve()}: no conf.py here" in result.stderr
    assert "Traceback" not in result.stderr
