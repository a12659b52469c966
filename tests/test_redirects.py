"""Redirects: the map format, per-guide resolution, safety checks and what a build writes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guidebook.config import Part
from guidebook.redirects.mapfile import (
    Endpoint,
    MapError,
    RedirectSyntaxError,
    check_path,
    format_line,
    parse_map,
)
from guidebook.redirects.output import htaccess
from guidebook.redirects.resolve import FolderRedirect, Redirect, resolve
from tests.conftest import BuildResult, build_source, run_whereto


def site_part(name: str, kind: Literal["guide", "part"], root: str,
              docnames: set[str]) -> Part:
    """A published guide or part with its pages, titled by its name."""
    return Part(name, name, root, "", kind, frozenset(docnames))


def format_map(pairs: Iterable[tuple[str, str]]) -> str:
    """A map file holding *pairs*, one line each."""
    return "".join(format_line(old, new) + "\n" for old, new in pairs)


EXPECTED_REDIRECTS: list[dict[str, str | None]] = [
    {"from": "admin/user/old-images.html", "to": "user/images.html", "guide": "admin"},
    {"from": "admin/user/uploading.html", "to": "user/images.html", "guide": "admin"},
    {"from": "image-statuses.html", "to": "user/common/statuses.html", "guide": None},
    {"from": "operator/cache.html", "to": "admin/cache.html", "guide": "operator"},
    {"from": "operator/user/old-images.html", "to": "user/images.html", "guide": "operator"},
    {"from": "operator/user/uploading.html", "to": "user/images.html", "guide": "operator"},
    {"from": "user/old-images.html", "to": "user/images.html", "guide": "user"},
    {"from": "user/uploading.html", "to": "user/images.html", "guide": "user"},
]


def build_with_map(copy_root: Callable[[str], Path], tmp_path: Path, text: str, *,
                   strict: bool = False) -> BuildResult:
    source = copy_root("redirects")
    (source / "redirects.txt").write_text(text, encoding="utf-8")
    return build_source(source, tmp_path / "out", strict=strict)


def map_warnings(result: BuildResult) -> list[str]:
    prefix = f"{result.source / 'redirects.txt'}:"
    return [line.removeprefix(prefix) for line in result.warnings() if line.startswith(prefix)]


# -- the map format -----------------------------------------------------------------------


def test_map_lines_comments_and_both_kinds_of_path() -> None:
    parsed = parse_map(
        "# a comment\n"
        "\n"
        "user/old   user/new   # trailing comment\n"
        "/legacy.html\tcommon/statuses\r\n"
    )
    assert parsed.errors == ()
    assert [(line.lineno, line.old, line.new) for line in parsed.lines] == [
        (3, Endpoint("user/old"), Endpoint("user/new")),
        (4, Endpoint("legacy.html"), Endpoint("common/statuses")),
    ]
    assert not parsed.lines[0].old.is_url
    assert parsed.lines[1].old.is_url


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("old.html http://evil.example/x",
         "'http://evil.example/x' is an off-site URL; redirects stay on this site: write a "
         "site path such as 'user/index.html' or a docname such as 'user/index'"),
        ("old.html //evil.example/x",
         "'//evil.example/x' is an off-site URL; redirects stay on this site: write a "
         "site path such as 'user/index.html' or a docname such as 'user/index'"),
        ("old.html javascript:alert(1)",
         "'javascript:alert(1)' is an off-site URL; redirects stay on this site: write a "
         "site path such as 'user/index.html' or a docname such as 'user/index'"),
        ('old.html user/a"b.html',
         "'user/a\"b.html' contains '\"'; a redirect path may only use letters, digits, "
         "'.', '_', '-' and '/'"),
        ("old.html user/x.html%0aRedirect",
         "'user/x.html%0aRedirect' contains '%'; a redirect path may only use letters, "
         "digits, '.', '_', '-' and '/'"),
        ("old.html user/new\x0bRedirect",
         "expected two paths, 'OLD NEW', found 3 fields (paths cannot contain blanks)"),
        ("user/my page.html user/new",
         "expected two paths, 'OLD NEW', found 3 fields (paths cannot contain blanks)"),
        ("user/lonely", "expected two paths, 'OLD NEW', found only 'user/lonely' "
                        "(paths cannot contain blanks)"),
        ("../../etc/passwd user/index",
         "'../../etc/passwd' has an empty, '.' or '..' segment; write the path from the "
         "site root"),
        ("user/old.rst user/new",
         "'user/old.rst' names a source file; write its docname (without the suffix) or "
         "its site path (ending in .html)"),
        ("user/same user/same", "'user/same' redirects to itself"),
    ],
)
def test_refused_lines_give_the_line_and_the_reason(line: str, message: str) -> None:
    parsed = parse_map("# header\n" + line + "\n")
    assert parsed.lines == ()
    assert parsed.errors == (MapError(2, message),)


@pytest.mark.parametrize("field", ["a\nRedirect 301 / http://evil", "a\rb", "a b", "a\tb",
                                   "a'b", "a<b", "a\\b", "a$b", "a#b", "\u00e9t\u00e9"])
def test_check_path_refuses_every_character_that_could_inject_a_directive(field: str) -> None:
    with pytest.raises(RedirectSyntaxError, match="a redirect path may only use letters"):
        check_path(field)


def test_an_old_path_redirected_twice_is_refused() -> None:
    parsed = parse_map("user/a user/b\nuser/a user/c\n")
    assert parsed.errors == (MapError(2, "'user/a' is already redirected on line 1"),)


_SEGMENT = st.from_regex(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,8}", fullmatch=True).filter(
    lambda s: s not in (".", "..") and not s.endswith((".rst", ".md", ".txt", ".html"))
)
_DOCNAME = st.lists(_SEGMENT, min_size=1, max_size=3).map("/".join)
_ENDPOINT = st.one_of(_DOCNAME, _DOCNAME.map(lambda d: d + ".html"))


@given(st.lists(st.tuples(_ENDPOINT, _ENDPOINT).filter(lambda p: p[0] != p[1]),
                max_size=8, unique_by=lambda p: p[0]))
def test_map_round_trip(pairs: list[tuple[str, str]]) -> None:
    parsed = parse_map(format_map(pairs))
    assert parsed.errors == ()
    assert [(line.old.path, line.new.path) for line in parsed.lines] == pairs
    assert [line.lineno for line in parsed.lines] == list(range(1, len(pairs) + 1))


_SAFE_PATH = re.compile(r"[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*\Z")


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(" \t\n\r#/.:\"'"),
               max_size=200))
def test_parser_never_raises_and_only_keeps_safe_paths(text: str) -> None:
    parsed = parse_map(text)  # anything else than a RedirectMap would fail here
    line_count = len(text.split("\n"))
    for line in parsed.lines:
        assert _SAFE_PATH.match(line.old.path) and _SAFE_PATH.match(line.new.path)
        assert ".." not in line.old.path.split("/")
    for error in parsed.errors:
        assert 1 <= error.lineno <= line_count and error.message


# -- resolution, without Sphinx ---------------------------------------------------------

PARTS = [
    site_part("user", "guide", "user/index", {"user/index", "user/b", "common/s"}),
    site_part("operator", "guide", "admin/index", {"admin/index", "common/s"}),
    site_part("admin", "guide", "admin/index", {"admin/index", "admin/x"}),
    site_part("api-ref", "part", "api-ref/index", {"api-ref/index"}),
]


def test_docname_target_prefers_the_same_guide_then_the_first_that_has_it() -> None:
    resolution = resolve(parse_map("common/old common/s\n"), PARTS)
    assert resolution.errors == ()
    assert resolution.redirects == (
        Redirect("admin/common/old.html", "user/common/s.html", "admin", 1),
        Redirect("operator/common/old.html", "operator/common/s.html", "operator", 1),
        Redirect("user/common/old.html", "user/common/s.html", "user", 1),
    )


def test_parts_get_a_moved_page_only_when_their_folder_had_it() -> None:
    resolution = resolve(parse_map("api-ref/old api-ref/index\n"), PARTS)
    assert [r.source for r in resolution.redirects] == [
        "admin/api-ref/old.html", "api-ref/old.html", "operator/api-ref/old.html",
        "user/api-ref/old.html",
    ]
    assert {r.target for r in resolution.redirects} == {"api-ref/index.html"}


def test_chains_collapse_to_one_hop() -> None:
    text = "a.html b.html\nb.html c.html\nc.html user/b\n"
    resolution = resolve(parse_map(text), PARTS)
    assert resolution.errors == ()
    assert {(r.source, r.target) for r in resolution.redirects} == {
        ("a.html", "user/b.html"), ("b.html", "user/b.html"),
        ("c.html", "user/b.html"),
    }


def test_cycles_are_refused_once_with_their_lines() -> None:
    text = "user/p user/q\nuser/q user/r\nuser/r user/p\nx.html user/p.html\n"
    resolution = resolve(parse_map(text), PARTS)
    assert resolution.redirects == ()
    assert resolution.errors == (
        MapError(1, "redirect cycle: user/p.html -> user/q.html -> "
                    "user/r.html -> user/p.html (lines 1, 2, 3)"),
        MapError(4, "redirect from 'x.html' leads into the redirect cycle of line 1"),
    )


def test_a_redirect_from_a_page_that_still_exists_is_refused() -> None:
    text = ("user/b user/index\noperator/common/s.html user/index\nuser/gone admin/nope\n"
            "y.html user/gone\n")
    resolution = resolve(parse_map(text), PARTS)
    assert resolution.redirects == ()
    assert resolution.errors == (
        MapError(1, "redirect from 'user/b', a page that still exists (remove the line or "
                    "the page)"),
        MapError(2, "redirect from 'operator/common/s.html', a page the site still serves "
                    "(remove the line or the page)"),
        MapError(3, "redirect target 'admin/nope' is not a page of the site, nor redirected"),
        MapError(4, "redirect from 'y.html' leads to 'user/gone.html', whose own "
                    "redirect was refused"),
    )


def test_a_site_path_line_wins_over_the_expansion_of_a_docname_line() -> None:
    text = "admin/old admin/x\noperator/old.html operator/common/s.html\n"
    resolution = resolve(parse_map(text), PARTS)
    assert resolution.errors == ()
    assert {(r.source, r.target) for r in resolution.redirects} == {
        ("admin/old.html", "admin/x.html"),
        ("operator/old.html", "operator/common/s.html"),
        ("user/admin/old.html", "admin/x.html"),
    }


# -- folder rules -----------------------------------------------------------------------


def test_a_folder_rule_stands_for_every_page_below_its_new_folder() -> None:
    text = "user/user/ user/\nuser/user/b.html user/index\nold.html user/user/b.html\n"
    resolution = resolve(parse_map(text), PARTS)
    assert resolution.errors == ()
    rule = FolderRedirect("user/user/", "user/", 1)
    assert resolution.folders == (rule,)
    assert resolution.redirects == (
        # A site-path line wins over the folder rule, and a chain through it is one hop.
        Redirect("old.html", "user/index.html", None, 3),
        Redirect("user/user/b.html", "user/index.html", "user", 2),
        Redirect("user/user/common/s.html", "user/common/s.html", "user", 1, rule),
        Redirect("user/user/genindex.html", "user/genindex.html", "user", 1, rule),
        Redirect("user/user/index.html", "user/index.html", "user", 1, rule),
        Redirect("user/user/search.html", "user/search.html", "user", 1, rule),
    )
    lines = htaccess(list(resolution.redirects), "/glance/", resolution.folders).splitlines()
    assert lines[1:] == [
        "Redirect 301 /glance/old.html /glance/user/index.html",
        "Redirect 301 /glance/user/user/b.html /glance/user/index.html",
        "RedirectMatch 301 ^/glance/user/user/(.*)$ /glance/user/$1",
    ]


def test_a_folder_rule_follows_a_page_that_moved_on() -> None:
    # user/user/gone.html was user/gone.html's old URL; user/gone now redirects to user/b.
    resolution = resolve(parse_map("user/user/ user/\nuser/gone user/b\n"), PARTS)
    assert resolution.errors == ()
    moved = {r.source: (r.target, r.folder) for r in resolution.redirects}
    assert moved["user/gone.html"] == ("user/b.html", None)
    # One hop, on a line of its own (the folder rule alone would take two).
    assert moved["user/user/gone.html"] == ("user/b.html", None)
    assert moved["user/user/b.html"] == ("user/b.html", resolution.folders[0])


def test_deeper_folder_rules_come_first_and_dots_are_literal() -> None:
    parts = [site_part("v1.0", "guide", "user/index", {"user/index"}),
             site_part("admin", "guide", "admin/index", {"admin/index"})]
    text = "v1.0/user/ v1.0/\nv1.0/user/deep/ admin/\n"
    resolution = resolve(parse_map(text), parts)
    assert resolution.errors == ()
    assert htaccess(list(resolution.redirects), "/", resolution.folders).splitlines()[1:] == [
        "RedirectMatch 301 ^/v1\\.0/user/deep/(.*)$ /admin/$1",
        "RedirectMatch 301 ^/v1\\.0/user/(.*)$ /v1.0/$1",
    ]


def test_bad_folder_rules_are_refused() -> None:
    text = ("user/ admin/\n"  # the site still serves pages below user/
            "gone/ nowhere/\n"  # nothing below nowhere/
            "user/user/ user/user/deeper/\n"  # would apply to its own result
            "user/user/ user/index.html\n")
    resolution = resolve(parse_map(text), PARTS)
    assert resolution.redirects == () and resolution.folders == ()
    assert resolution.errors == (
        MapError(1, "folder redirect from 'user/', below which the site still serves "
                    "'user/b.html' (the redirect would hide it)"),
        MapError(2, "folder redirect target 'nowhere/': the site serves no page below it"),
        MapError(3, "folder redirect 'user/user/' -> 'user/user/deeper/': the new folder is "
                    "inside the old one, so the rule would apply again to its own result"),
        MapError(4, "'user/user/' is a folder and 'user/index.html' is not; a folder "
                    "redirects to a folder (end both with '/')"),
    )


# -- a real build --------------------------------------------------------------------------


def test_build_writes_htaccess_stubs_and_manifest(tmp_path: Path,
                                                  copy_root: Callable[[str], Path]) -> None:
    result = build_source(copy_root("redirects"), tmp_path / "out", strict=True)
    assert result.status == 0, result.output
    assert result.manifest["redirects"] == EXPECTED_REDIRECTS
    assert (result.out / ".htaccess").read_text().splitlines() == [
        "# Written by guidebook from the redirect map; changes here are lost at the next "
        "build.",
        "ErrorDocument 404 /404.html",
        *(f"Redirect 301 /{r['from']} /{r['to']}" for r in EXPECTED_REDIRECTS),
    ]
    stub = (result.out / "operator/user/uploading.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=../../user/images.html">' in stub
    assert '<link rel="canonical" href="../../user/images.html">' in stub
    assert '<a href="../../user/images.html">Work with images</a>' in stub
    assert "<script" not in stub
    top = (result.out / "image-statuses.html").read_text()
    assert 'url=user/common/statuses.html"' in top and "Image statuses" in top
    # The real pages are untouched.
    assert "The cache keeps image data" in result.html("admin", "admin/cache")


def test_a_rebuild_leaves_unchanged_stubs_and_htaccess_untouched(
        tmp_path: Path, copy_root: Callable[[str], Path]) -> None:
    source = copy_root("redirects")
    assert build_source(source, tmp_path / "out").status == 0
    kept = [tmp_path / "out" / "operator/user/uploading.html", tmp_path / "out" / ".htaccess"]
    for path in kept:
        os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    result = build_source(source, tmp_path / "out")
    assert result.status == 0, result.output
    assert [path.stat().st_mtime_ns for path in kept] == [1_000_000_000_000_000_000] * 2
    assert result.manifest["redirects"] == EXPECTED_REDIRECTS


def test_redirect_base_prefixes_every_htaccess_path(tmp_path: Path,
                                                    copy_root: Callable[[str], Path]) -> None:
    result = build_source(copy_root("redirects"), tmp_path / "out",
                          overrides={"guidebook_redirect_base": "/glance/latest/"})
    assert result.status == 0, result.output
    lines = (result.out / ".htaccess").read_text().splitlines()
    assert "Redirect 301 /glance/latest/image-statuses.html " \
           "/glance/latest/user/common/statuses.html" in lines


def test_bad_map_lines_are_warnings_with_path_and_line(tmp_path: Path,
                                                       copy_root: Callable[[str], Path]) -> None:
    text = (
        "user/a user/b\n"
        "user/b user/a\n"
        "evil.html http://evil.example/\n"
        "user/images user/index\n"
        "x.html user/index\n"
    )
    result = build_with_map(copy_root, tmp_path, text)
    assert result.status == 0, result.output
    assert map_warnings(result) == [
        "1: WARNING: redirect cycle: user/a.html -> user/b.html -> "
        "user/a.html (lines 1, 2) [guidebook.redirects]",
        "3: WARNING: 'http://evil.example/' is an off-site URL; redirects stay on this site: "
        "write a site path such as 'user/index.html' or a docname such as 'user/index' "
        "[guidebook.redirects]",
        "4: WARNING: redirect from 'user/images', a page that still exists (remove the line "
        "or the page) [guidebook.redirects]",
    ]
    assert result.manifest["redirects"] == [
        {"from": "x.html", "to": "user/index.html", "guide": None},
    ]
    assert "evil" not in (result.out / ".htaccess").read_text()


def test_bad_map_fails_a_strict_build(tmp_path: Path, copy_root: Callable[[str], Path]) -> None:
    result = build_with_map(copy_root, tmp_path, "user/images user/index\n", strict=True)
    assert result.status == 1
    assert not (tmp_path / "out").exists()


def test_a_removed_redirect_takes_its_stub_away(tmp_path: Path,
                                               copy_root: Callable[[str], Path]) -> None:
    source = copy_root("redirects")
    first = build_source(source, tmp_path / "out")
    assert (first.out / "image-statuses.html").is_file()
    (source / "redirects.txt").write_text("user/uploading user/images\n", encoding="utf-8")
    second = build_source(source, tmp_path / "out")
    assert second.status == 0, second.output
    assert not (second.out / "image-statuses.html").exists()
    assert not (second.out / "user/old-images.html").exists()
    assert (second.out / "user/uploading.html").is_file()
    (source / "redirects.txt").unlink()
    third = build_source(source, tmp_path / "out")
    assert third.manifest["redirects"] == []
    assert (third.out / ".htaccess").read_text().splitlines()[1:] == [
        "ErrorDocument 404 /404.html"]
    assert not (third.out / "user/uploading.html").exists()


def test_whereto_accepts_the_generated_htaccess(tmp_path: Path,
                                                copy_root: Callable[[str], Path]) -> None:
    result = build_source(copy_root("redirects"), tmp_path / "out")
    tests = tmp_path / "tests.txt"
    tests.write_text("".join(f"/{r['from']} 301 /{r['to']}\n" for r in EXPECTED_REDIRECTS))
    run = run_whereto(result.out / ".htaccess", tests)
    assert run.returncode == 0, run.stdout + run.stderr
    # whereto does check: a wrong expectation fails.
    tests.write_text(tests.read_text().replace("/user/images.html", "/user/x.html"))
    run = run_whereto(result.out / ".htaccess", tests)
    assert run.returncode == 1, run.stdout


def test_flagship_redirect_tests_pass_on_the_built_site(flagship_build: BuildResult,
                                                        tmp_path: Path) -> None:
    """tox -e docs: whereto runs doc/test/redirect-tests.txt on the flagship's .htaccess."""
    tests = tmp_path / "redirect-tests.txt"
    shutil.copy(Path(__file__).parent.parent / "doc/test/redirect-tests.txt", tests)
    # As OpenStack's docs job runs it: on the built .htaccess itself.
    run = subprocess.run([str(Path(sys.executable).parent / "whereto"),
                          str(flagship_build.out / ".htaccess"), str(tests)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_flagship_redirect_tests_cover_the_flagship_map() -> None:
    """Every line of doc/test/redirect-tests.txt names an old URL the flagship map has,
    and every line of the map has a test."""
    repo = Path(__file__).parent.parent
    parsed = parse_map((repo / "doc/source/redirects.txt").read_text(encoding="utf-8"))
    assert parsed.errors == ()
    olds = {line.old.path for line in parsed.lines}
    tests = [line.split() for line in
             (repo / "doc/test/redirect-tests.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert tests
    folders = [old for old in olds if old.endswith("/")]
    tested = set()
    for old, code, new in tests:
        assert code == "301"
        path = old.removeprefix("/")
        docname = path.split("/", 1)[-1].removesuffix(".html")
        folder = [f for f in folders if path.startswith(f)]
        assert path in olds or docname in olds or folder, old
        tested.update([path, docname, *folder])
        assert new.startswith("/") and new.endswith(".html")
    assert olds <= tested, f"map lines without a test: {sorted(olds - tested)}"
