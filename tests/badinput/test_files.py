"""File mistakes: includes that leave the tree, symlink loops, missing entries and paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.badinput.corpus import (
    Baseline,
    Case,
    assert_intact,
    baseline_fixture,
    broken_copy,
    build_quietly,
    check_case,
    run_cli,
)

baseline = baseline_fixture()

PAGE = "user/page.rst"
HEAD = "A page\n======\n\n"
SECRET = "Topsecretword from outside the tree"

REFUSED = (
    "{src}/user/page.rst:4: WARNING: {name} of {arg!r} refused: it leads to {target}, "
    "outside the source directory {src} (copy the file into it, or add its folder to "
    "guidebook_include_roots in conf.py) [guidebook.include-outside]"
)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the source tree (``site/src``) that must never be published."""
    path = tmp_path / "secret.txt"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def _refused(name: str, arg: str, target: str) -> str:
    return REFUSED.replace("{name}", name).replace("{arg!r}", repr(arg)).replace(
        "{target}", target)


OUTSIDE_CASES = [
    Case("include-relative-outside", {PAGE: HEAD + ".. include:: ../../../secret.txt\n"}, 1, (
        _refused("include", "../../../secret.txt", "{secret}"),
    ), absent=(SECRET,)),
    Case("include-rooted-outside", {PAGE: HEAD + ".. include:: /../../secret.txt\n"}, 1, (
        _refused("include", "/../../secret.txt", "{secret}"),
    ), absent=(SECRET,)),
    Case("include-absolute-system-file", {PAGE: HEAD + ".. include:: /../../../../../../../"
                                          "../../../etc/passwd\n"}, 1, (
        _refused("include", "/../../../../../../../../../../etc/passwd", "/etc/passwd"),
    ), absent=("root:",)),
    Case("literalinclude-outside", {PAGE: HEAD + ".. literalinclude:: ../../../secret.txt\n"}, 1, (
        _refused("literalinclude", "../../../secret.txt", "{secret}"),
    ), absent=(SECRET,)),
    Case("literalinclude-diff-outside", {PAGE: HEAD + ".. literalinclude:: index.rst\n"
                                         "   :diff: ../../../secret.txt\n"}, 1, (
        _refused("literalinclude", "../../../secret.txt", "{secret}"),
    ), absent=(SECRET,)),
]


@pytest.mark.parametrize("case", OUTSIDE_CASES, ids=str)
def test_include_outside_the_tree_is_refused(
    case: Case, baseline: Baseline, tmp_path: Path, secret: Path
) -> None:
    src = tmp_path / "site" / "src"
    messages = tuple(
        message.replace("{secret}", str(secret)) for message in case.messages
    )
    result = check_case(Case(case.id, case.files, case.status, messages, absent=case.absent),
                        baseline, tmp_path)
    assert src == result.source
    for path in result.out.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes()


def test_include_outside_is_refused_without_strict_too(
    baseline: Baseline, tmp_path: Path, secret: Path
) -> None:
    """Not strict: the page is published without the file, and the refusal is printed."""
    source, out = broken_copy(baseline, tmp_path, {
        PAGE: HEAD + "Newword.\n\n.. include:: ../../../secret.txt\n"})
    result = build_quietly(source, out, strict=False)
    assert result.status == 0, result.output
    expected = _refused("include", "../../../secret.txt", str(secret)).format(src=source)
    assert expected.replace("page.rst:4:", "page.rst:6:") in result.output.splitlines()
    html = result.html("user", "user/page")
    assert "Newword" in html and SECRET not in html


def test_include_through_a_symlink_to_outside_is_refused(
    baseline: Baseline, tmp_path: Path, secret: Path
) -> None:
    case = Case("include-symlink-outside", {PAGE: HEAD + ".. include:: link.txt\n"}, 1, (
        _refused("include", "link.txt", str(secret)),
    ), absent=(SECRET,))
    source, out = broken_copy(baseline, tmp_path, case.files)
    os.symlink(secret, source / "user" / "link.txt")
    result = build_quietly(source, out)
    assert result.status == 1, result.output
    assert case.messages[0].format(src=source) in result.output.splitlines()
    assert "Traceback" not in result.output
    assert_intact(baseline, out)


def test_symlink_loop_is_skipped_with_a_warning(baseline: Baseline, tmp_path: Path) -> None:
    source, out = broken_copy(baseline, tmp_path, {})
    os.symlink("..", source / "user" / "loop")
    os.symlink(".", source / "admin" / "self")
    result = build_quietly(source, out)
    assert result.status == 1, result.output
    lines = result.output.splitlines()
    for link, target in (("user/loop", ".."), ("admin/self", ".")):
        assert (
            f"WARNING: {source}/{link}: symbolic link to {target!r} loops back into its own "
            "folder; skipped (remove it, or list it in exclude_patterns) "
            "[guidebook.symlink-loop]"
        ) in lines
    assert "Traceback" not in result.output
    assert "loop/user" not in result.output  # never walked into
    assert_intact(baseline, out)
    # Not strict: the site builds with the loop skipped, pages written once.
    again = build_quietly(source, out, strict=False)
    assert again.status == 0, again.output
    assert not (out / "user" / "loop").exists()
    assert (out / "user" / "page.html").is_file()
    # The skipped links went into this build's own list, not Sphinx's shared default
    # (which every later Sphinx app in the process would inherit).
    from sphinx.config import Config

    assert list(Config.config_values["exclude_patterns"].default) == []


FILE_CASES = [
    Case("toctree-entry-missing", {"user/index.rst": "User guide\n==========\n\n.. toctree::\n\n"
                                   "   page\n   missing\n"}, 1, (
        "{src}/user/index.rst:4: WARNING: toctree contains reference to nonexisting document "
        "'user/missing' [toc.not_readable]",
    )),
    Case("include-missing-file", {PAGE: HEAD + ".. include:: nothere.txt\n"}, 1, (
        '{src}/user/page.rst:4: CRITICAL: Problems with "include" directive path:',
    )),
    Case("include-not-utf8", {PAGE: HEAD + ".. include:: part.txt\n",
                              "user/part.txt": b"caf\xe9\n"}, 1, (
        '{src}/user/page.rst:4: CRITICAL: Problem with "include" directive:',
        "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9 in position 3",
    )),
    Case("root-page-deleted", {"admin/index.rst": None}, 1, (
        "{src}/conf.py:6: WARNING: guide 'operator': its root page 'admin/index' does not "
        "exist (check 'root' in conf.py) [guidebook.guide-root-missing]",
    )),
]


@pytest.mark.parametrize("case", FILE_CASES, ids=str)
def test_bad_files(case: Case, baseline: Baseline, tmp_path: Path) -> None:
    check_case(case, baseline, tmp_path)


def test_source_without_conf_py(baseline: Baseline, tmp_path: Path) -> None:
    source, out = broken_copy(baseline, tmp_path, {"conf.py": None})
    done = run_cli("build", "--source", source, "--out", out)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"guidebook: error: {source}: no conf.py here (is --source right?)"]
    assert_intact(baseline, out)


def test_output_into_the_source(baseline: Baseline, tmp_path: Path) -> None:
    source, out = broken_copy(baseline, tmp_path, {})
    result = build_quietly(source, source)
    assert result.status == 2
    assert result.output.splitlines() == [
        f"guidebook: error: {source}: the output must not be the source directory"]
    assert_intact(baseline, out)


URL_COLLISION = Case("url-collision", {
    "user/index.rst": "User guide\n==========\n\n.. toctree::\n\n   common/page\n   /common/page\n",
    "user/common/page.rst": "One page\n========\n\nText.\n",
    "common/page.rst": ":audience: user\n\nAnother page\n============\n\nText.\n",
}, 2, (
    "guidebook: error: {src}/user/common/page.rst:1: {src}/common/page.rst and "
    "{src}/user/common/page.rst would both be published at user/common/page.html in 'user'; "
    "rename or move one of them",
))


def test_two_pages_at_one_url_fail_the_build_naming_both(baseline: Baseline,
                                                        tmp_path: Path) -> None:
    """user/common/page.rst (the home folder dropped) and common/page.rst (its folder kept)
    would both be the user guide's user/common/page.html (guidebook.urls)."""
    check_case(URL_COLLISION, baseline, tmp_path)
