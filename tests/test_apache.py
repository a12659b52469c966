"""A real web server: Debian's Apache httpd serves a built site and its ``.htaccess``.

Every old URL of the site must answer 301 with the new URL, and the new URL must answer
200 with the page. Apache is started on 127.0.0.1 with a minimal configuration of its own
(no system configuration is read or changed) and stopped after the test.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BuildResult, build_source

MODULES = Path("/usr/lib/apache2/modules")
_MODULE_NAMES = {
    "mpm_event_module": "mod_mpm_event.so",
    "authz_core_module": "mod_authz_core.so",
    "alias_module": "mod_alias.so",
    "mime_module": "mod_mime.so",
    "dir_module": "mod_dir.so",
}


def apache_binary() -> str:
    """The apache2 binary; a failure in CI, a skip with the fix elsewhere, when absent."""
    found = shutil.which("apache2") or shutil.which("apache2", path="/usr/sbin:/usr/local/sbin")
    if found and all((MODULES / name).is_file() for name in _MODULE_NAMES.values()):
        return found
    message = ("Apache httpd (apache2 and its modules in /usr/lib/apache2/modules) is not "
               "installed; install it with: apt-get install -y apache2")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI must run this test)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Apache:
    """One Apache httpd serving *site* at URL path *base*, in the foreground (-X)."""

    def __init__(self, binary: str, workdir: Path, site: Path, base: str) -> None:
        self.port = free_port()
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        empty = workdir / "htdocs"
        empty.mkdir(exist_ok=True)
        modules = "\n".join(f"LoadModule {name} {MODULES / file}"
                            for name, file in _MODULE_NAMES.items())
        root = site if base == "/" else empty
        alias = "" if base == "/" else f'Alias "{base}" "{site}/"\n'
        self.config = workdir / "httpd.conf"
        self.config.write_text(
            f'ServerRoot "{workdir}"\n'
            f"Listen 127.0.0.1:{self.port}\n"
            f"PidFile {workdir / 'httpd.pid'}\n"
            f"ErrorLog {workdir / 'error.log'}\n"
            "LogLevel warn\n"
            f"{modules}\n"
            "TypesConfig /etc/mime.types\n"
            "ServerName 127.0.0.1\n"
            f'DocumentRoot "{root}"\n'
            f"{alias}"
            '<Directory "/">\n  AllowOverride None\n  Require all denied\n</Directory>\n'
            f'<Directory "{root}">\n  Require all granted\n</Directory>\n'
            f'<Directory "{site}">\n  AllowOverride All\n  Require all granted\n'
            "</Directory>\n"
            "DirectoryIndex index.html\n",
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            [binary, "-X", "-f", str(self.config)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read() if self.process.stdout else ""
                pytest.fail(f"apache2 exited with {self.process.returncode}: {output}"
                            f"{self.error_log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"apache2 did not listen on 127.0.0.1:{self.port}: {self.error_log()}")

    def error_log(self) -> str:
        log = self.workdir / "error.log"
        return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""

    def get(self, path: str) -> tuple[int, str | None, str]:
        """GET *path* without following redirects: status, Location, body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read().decode("utf-8", errors="replace")
            return response.status, response.getheader("Location"), body
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stdout:
            self.process.stdout.close()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[Path, str], Apache]]:
    binary = apache_binary()
    servers: list[Apache] = []

    def start(site: Path, base: str) -> Apache:
        server = Apache(binary, tmp_path / f"apache{len(servers)}", site, base)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.mark.parametrize("base", ["/", "/glance/latest/"])
def test_every_old_url_redirects_to_a_page_that_answers(
    tmp_path: Path, copy_root: Callable[[str], Path],
    serve: Callable[[Path, str], Apache], base: str,
) -> None:
    result = build_source(copy_root("redirects"), tmp_path / "out", strict=True,
                          overrides={"guidebook_redirect_base": base})
    assert result.status == 0, result.output
    redirects = result.manifest["redirects"]
    assert len(redirects) == 8
    server = serve(result.out, base)
    origin = f"http://127.0.0.1:{server.port}"
    for redirect in redirects:
        status, location, _body = server.get(base + redirect["from"])
        assert (status, location) == (301, f"{origin}{base}{redirect['to']}"), (
            redirect, server.error_log())
        assert location is not None
        status, _location, body = server.get(location.removeprefix(origin))
        assert status == 200, (location, server.error_log())
        assert "guidebook redirect" not in body  # a real page, not another stub
    # The pages themselves are served, and an unknown URL is not redirected.
    assert server.get(f"{base}user/images.html")[0] == 200
    assert server.get(f"{base}admin/cache.html")[0] == 200
    assert server.get(f"{base}user/never-was.html")[0] == 404


def previous_layout(manifest: dict[str, Any]) -> dict[str, str]:
    """Every page's URL in the layout before guidebook.urls, ``<part>/<docname>.html``
    (``user/user/sharing.html``), with its URL now."""
    return {
        f"{part['name']}/{page['docname']}.html": page["url"]
        for part in [*manifest["guides"], *manifest["parts"]]
        for page in part["pages"]
    }


def test_every_url_of_the_previous_layout_answers(
    flagship_build: BuildResult, serve: Callable[[Path, str], Apache],
) -> None:
    server = serve(flagship_build.out, "/")
    origin = f"http://127.0.0.1:{server.port}"
    moved = 0
    for old, new in previous_layout(flagship_build.manifest).items():
        status, location, _body = server.get(f"/{old}")
        if old == new:  # a page outside its guide's home folder kept its URL
            assert status == 200, old
            continue
        moved += 1
        assert (status, location) == (301, f"{origin}/{new}"), (old, server.error_log())
        assert server.get(f"/{new}")[0] == 200, new
    assert moved >= 50  # every guide's own pages moved up a folder


_LOCAL_LINK = re.compile(r'(?:href|src)="(/[^"]*)"')


def test_a_missing_url_at_any_depth_gets_the_themed_not_found_page(
    tmp_path: Path, copy_root: Callable[[str], Path], serve: Callable[[Path, str], Apache],
) -> None:
    # The flagship leaves ErrorDocument out (guidebook_htaccess_not_found = False, for
    # whereto); by default .htaccess names the 404 page.
    built = build_source(copy_root("redirects"), tmp_path / "out", strict=True)
    assert built.status == 0, built.output
    server = serve(built.out, "/")
    for missing in ("/nothing.html", "/user/no/such/page.html", "/operator/gone/"):
        status, _location, body = server.get(missing)
        assert status == 404, missing
        assert "Page not found" in body and 'class="guidebook-not-found"' in body
    links = sorted(set(_LOCAL_LINK.findall(body)))
    for part in [*built.manifest["guides"], *built.manifest["parts"]]:
        assert f"/{part['url']}" in links, part["name"]
    assert "/index.html" in links and any(link.startswith("/_static/") for link in links)
    for link in links:  # the theme's assets and every link answer from any depth
        assert server.get(link)[0] == 200, link


@pytest.mark.parametrize("base", ["/", "/glance/latest/"])
def test_a_folder_rule_moves_every_url_below_it(
    tmp_path: Path, copy_root: Callable[[str], Path],
    serve: Callable[[Path, str], Apache], base: str,
) -> None:
    source = copy_root("redirects")
    (source / "redirects.txt").write_text("user/user/ user/\noperator/admin/ operator/\n",
                                          encoding="utf-8")
    result = build_source(source, tmp_path / "out", strict=True,
                          overrides={"guidebook_redirect_base": base})
    assert result.status == 0, result.output
    server = serve(result.out, base)
    origin = f"http://127.0.0.1:{server.port}"
    for old, new in [("user/user/images.html", "user/images.html"),
                     ("user/user/index.html", "user/index.html"),
                     ("operator/admin/index.html", "operator/index.html"),
                     ("operator/admin/common/statuses.html", "operator/common/statuses.html")]:
        assert server.get(base + old)[:2] == (301, f"{origin}{base}{new}"), (
            old, server.error_log())
        assert server.get(base + new)[0] == 200, new
    # Below the folder, a page that never was still ends on the not-found page.
    status, location, _body = server.get(f"{base}user/user/never-was.html")
    assert (status, location) == (301, f"{origin}{base}user/never-was.html")
    assert server.get(f"{base}user/never-was.html")[0] == 404
