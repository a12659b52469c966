"""``serve(options)``: build, serve on HTTP, and rebuild whenever a watched file changes."""

from __future__ import annotations

import dataclasses
import errno
import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from guidebook.driver.publish import doctree_dir, staging_dir
from guidebook.serve.watch import Snapshot, changed, snapshot

#: The URL path that answers with the number of the last published build.
BUILD_ID_PATH = "/_guidebook/build-id"
#: Added to every HTML page served: reload the page once a newer build is published.
RELOAD_SCRIPT = (
    "<script>(function () { let seen = null; const poll = () => "
    f"fetch('{BUILD_ID_PATH}', {{cache: 'no-store'}}).then(r => r.ok ? r.text() : seen)"
    ".then(id => { if (seen !== null && id !== seen) location.reload(); seen = id; })"
    ".catch(() => {}).finally(() => setTimeout(poll, 1000)); poll(); })();</script>"
)


@dataclasses.dataclass
class ServeOptions:
    """What ``guidebook serve`` does; the CLI fills it from its arguments."""

    source: Path
    out: Path
    host: str = "127.0.0.1"
    port: int = 8000
    #: Seconds between two looks at the sources.
    interval: float = 0.5
    #: More files or folders to watch besides the source directory (e.g. release notes).
    watch: list[Path] = dataclasses.field(default_factory=list)
    jobs: int = 1
    #: Reload open pages in the browser after each published rebuild.
    live_reload: bool = True
    #: Print Sphinx's progress output, not only warnings and errors.
    verbose: bool = False


@dataclasses.dataclass
class _State:
    out: Path
    live_reload: bool
    build_id: int = 0
    last_build_ok: bool = False


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the published site; resolves the directory on every request.

    The build swaps the output directory for a new one, so holding it open would keep
    serving the old site; ``directory`` is a path string joined afresh for each request.
    """

    def __init__(self, *args: Any, state: _State, **kwargs: Any) -> None:
        self.state = state
        super().__init__(*args, directory=str(state.out), **kwargs)

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == BUILD_ID_PATH:
            self._send(200, str(self.state.build_id).encode(), "text/plain")
            return
        if not self.state.out.is_dir():
            self._send(503, b"guidebook serve: there is no site yet; the first build failed "
                            b"(see the terminal). Fix the sources and it is built again.\n",
                       "text/plain")
            return
        if self.state.live_reload and self._serve_html():
            return
        super().do_GET()

    def _serve_html(self) -> bool:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        if path.suffix != ".html" or not path.is_file():
            return False
        try:
            page = path.read_bytes()
        except OSError:
            return False
        marker = page.rfind(b"</body>")
        script = RELOAD_SCRIPT.encode()
        page = page[:marker] + script + page[marker:] if marker >= 0 else page + script
        self._send(200, page, "text/html; charset=utf-8")
        return True

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would bury the build output


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: Callable[..., Any]) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that reloads drops its open connections: not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(
    options: ServeOptions,
    *,
    stop: threading.Event | None = None,
    on_ready: Callable[[str], None] | None = None,
    stream: TextIO | None = None,
) -> int:
    """Build, serve and rebuild until interrupted (or *stop* is set); return the exit status.

    *on_ready* is called with the site's URL once it is served.
    """
    err = stream or sys.stderr
    source = options.source.resolve()
    out = options.out.resolve()
    if not (source / "conf.py").is_file():
        print(f"guidebook: error: {source}: no conf.py here (is --source right?)", file=err)
        return 2
    stop = stop or threading.Event()
    state = _State(out=out, live_reload=options.live_reload)
    roots = [source, *(path.resolve() for path in options.watch)]
    ignore = [out, staging_dir(out), doctree_dir(out)]
    build = functools.partial(_build, options, source, out, err)

    before = snapshot(roots, ignore=ignore)
    state.last_build_ok = build() == 0
    if state.last_build_ok:
        state.build_id += 1

    try:
        server = PreviewServer(
            (options.host, options.port), functools.partial(PreviewHandler, state=state)
        )
    except OSError as exc:
        reason = "the port is in use (try --port)" if exc.errno == errno.EADDRINUSE else exc
        print(f"guidebook: error: cannot serve on {options.host}:{options.port}: {reason}",
              file=err)
        return 2
    host, port = server.server_address[:2]
    url = f"http://{_url_host(str(host))}:{port}/"
    thread = threading.Thread(target=server.serve_forever, name="guidebook-serve", daemon=True)
    thread.start()
    print(f"guidebook: serving {url} (watching {source}; press Ctrl+C to stop)",
          file=err, flush=True)
    if on_ready is not None:
        on_ready(url)
    try:
        _watch(roots, ignore, before, options.interval, stop, state, build, err)
    except KeyboardInterrupt:
        print("guidebook: stopped", file=err)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    return 0


def _watch(
    roots: list[Path], ignore: list[Path], before: Snapshot, interval: float,
    stop: threading.Event, state: _State, build: Callable[[], int], err: TextIO,
) -> None:
    while not stop.wait(interval):
        after = snapshot(roots, ignore=ignore)
        paths = changed(before, after)
        if not paths:
            continue
        # Let an editor finish saving (several files, or write-then-rename) first.
        while not stop.wait(interval):
            settled = snapshot(roots, ignore=ignore)
            if settled == after:
                break
            paths = changed(before, settled)
            after = settled
        before = after
        shown = ", ".join(_short(path, roots) for path in paths[:3])
        more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
        print(f"guidebook: changed: {shown}{more}; rebuilding", file=err, flush=True)
        started = time.monotonic()
        status = build()
        if status == 130:
            raise KeyboardInterrupt
        elapsed = time.monotonic() - started
        if status == 0:
            state.build_id += 1
            state.last_build_ok = True
            print(f"guidebook: rebuilt in {elapsed:.1f} s", file=err, flush=True)
        else:
            state.last_build_ok = False
            print(f"guidebook: rebuild failed (exit {status}); still serving the last good site",
                  file=err, flush=True)


def _build(options: ServeOptions, source: Path, out: Path, err: TextIO) -> int:
    """One ``guidebook build`` in a fresh interpreter; its output goes to *err*.

    A fresh process per build picks up edits to ``conf.py`` and to local extensions, and
    keeps state one build leaves in imported modules out of the next build.
    """
    command = [sys.executable, "-m", "guidebook.cli", "build", "--source", os.fspath(source),
               "--out", os.fspath(out), "--jobs", str(options.jobs)]
    if not options.verbose:
        command.append("--quiet")
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, encoding="utf-8", errors="replace")
    except OSError as exc:
        print(f"guidebook: error: cannot start the build: {exc}", file=err)
        return 3
    assert process.stdout is not None
    try:
        for line in process.stdout:
            err.write(line)
            err.flush()
        return process.wait()
    except KeyboardInterrupt:
        process.wait()  # Ctrl+C reached the build too; it cleans up after itself
        raise


def _short(path: Path, roots: list[Path]) -> str:
    for root in roots:
        if path.is_relative_to(root):
            return os.fspath(path.relative_to(root)) or path.name
    return os.fspath(path)


def _url_host(host: str) -> str:
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
