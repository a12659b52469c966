"""Publishing: the spare site is brought up to date by copying only what differs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from guidebook.driver.publish import mirror, spare_dir
from tests.conftest import ROOTS, build_source


def _tree(root: Path) -> dict[str, bytes | str]:
    result: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            result[relative] = "-> " + os.readlink(path)
        elif path.is_dir():
            result[relative] = "dir"
        else:
            result[relative] = path.read_bytes()
    return result


def test_mirror_copies_changes_and_removes_what_is_gone(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    (source / "a" / "b").mkdir(parents=True)
    (source / "a" / "b" / "page.html").write_text("new")
    (source / "same.html").write_text("same")
    (source / "link").symlink_to("same.html")
    (target / "a").mkdir(parents=True)
    (target / "a" / "b").write_text("a file where a folder should be")
    (target / "gone" / "deep").mkdir(parents=True)
    (target / "gone" / "deep" / "x.html").write_text("x")
    shutil.copy2(source / "same.html", target / "same.html")
    untouched = (target / "same.html").stat().st_ino
    mirror(source, target)
    assert _tree(target) == _tree(source)
    assert (target / "same.html").stat().st_ino == untouched  # not copied again


def test_incremental_builds_through_the_spare_match_a_fresh_build(tmp_path: Path) -> None:
    source = tmp_path / "site"
    shutil.copytree(ROOTS / "test-audiences", source)
    out = tmp_path / "out"
    assert build_source(source, out, strict=True).status == 0
    for word in ("first", "second", "third"):
        upload = source / "user" / "upload.rst"
        upload.write_text(upload.read_text() + f"\nEdit number {word}.\n")
        assert build_source(source, out, strict=True).status == 0
        assert spare_dir(out).is_dir()
        assert f"Edit number {word}." in (out / "user/user/upload.html").read_text()
    fresh = tmp_path / "fresh"
    assert build_source(source, fresh, strict=True, fresh=True).status == 0
    published, expected = _tree(out), _tree(fresh)
    assert set(published) == set(expected)
    for name in published:
        if name.endswith((".html", ".js", ".inv", ".json")):
            assert published[name] == expected[name], name


def test_a_fresh_build_leaves_a_spare_copy_of_the_site(tmp_path: Path) -> None:
    source = tmp_path / "site"
    shutil.copytree(ROOTS / "test-audiences", source)
    out = tmp_path / "out"
    assert build_source(source, out, strict=True, fresh=True).status == 0
    # The first build into OUT had no previous site to keep: the spare is copied from it,
    # so the next one-page rebuild does not copy the whole site first.
    assert _tree(spare_dir(out)) == _tree(out)
    upload = source / "user" / "upload.rst"
    upload.write_text(upload.read_text() + "\nEdited after the fresh build.\n")
    assert build_source(source, out, strict=True).status == 0
    assert "Edited after the fresh build." in (out / "user/user/upload.html").read_text()
    assert "Edited after the fresh build." not in (
        spare_dir(out) / "user/user/upload.html").read_text()


def test_an_edited_template_is_used_although_compiled_templates_are_cached(
    tmp_path: Path,
) -> None:
    source = tmp_path / "site"
    shutil.copytree(ROOTS / "test-audiences", source)
    (source / "_templates").mkdir()
    layout = source / "_templates" / "layout.html"
    conf = source / "conf.py"
    conf.write_text(conf.read_text() + '\ntemplates_path = ["_templates"]\n')
    out = tmp_path / "out"
    for marker in ("first-template-marker", "second-template-marker"):
        layout.write_text(
            '{% extends "!layout.html" %}\n'
            "{% block footer %}{{ super() }}<p>" + marker + "</p>{% endblock %}\n"
        )
        assert build_source(source, out, strict=True).status == 0
        page = (out / "user/user/upload.html").read_text()
        assert marker in page
    assert "first-template-marker" not in page
    cached = list((tmp_path / ".out.doctrees" / "templates").iterdir())
    assert cached, "compiled templates are kept beside the doctrees"
