"""Folder audiences: pages get their guides from ``guidebook_folder_audiences``."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Builder, BuildResult, build_source


def _pages(result: BuildResult, guide: str) -> set[str]:
    parts = {part["name"]: part for part in result.manifest["guides"]}
    return {page["docname"] for page in parts[guide]["pages"]}


def test_folder_map_gives_pages_their_guides_and_a_page_field_wins(
    build_root: Builder,
) -> None:
    result = build_root("folders", strict=True)
    assert result.status == 0, result.output
    # "*": "*": the top-level pages are in every guide; index.rst, the everyone guide's
    # root, says ":audience: everyone" (in the user guide it would be published at
    # user/index.html, the user guide's own root: guidebook.urls refuses that).
    for guide in ("everyone", "user", "operator"):
        assert {"about", "glossary"} <= _pages(result, guide)
    assert "index" in _pages(result, "everyone") and "index" not in _pages(result, "user")
    # "configuration/": operator, with no field on any of its pages.
    assert {"configuration/index", "configuration/options"} <= _pages(result, "operator")
    assert not {"configuration/index", "configuration/options"} & _pages(result, "user")
    # "cli/": user, operator; the longer "cli/admin-*" wins over it.
    assert "cli/index" in _pages(result, "user") & _pages(result, "operator")
    assert "cli/admin-tool" in _pages(result, "operator")
    assert "cli/admin-tool" not in _pages(result, "user")
    # cli/client.rst says ":audience: user": its own field wins over the folder.
    assert "cli/client" in _pages(result, "user")
    assert "cli/client" not in _pages(result, "operator")
    assert result.exists("operator", "configuration/options")
    assert not result.exists("user", "configuration/options")
    assert "purges deleted images" in result.html("operator", "cli/admin-tool")


def test_guide_rooted_at_top_level_index_holds_the_pages_beside_it(
    build_root: Builder,
) -> None:
    result = build_root("folders", overrides={"guidebook_folder_audiences": {
        "configuration/": "operator", "cli/": "user, operator",
    }})
    assert result.status == 0, result.output
    # No "*" rule: the top-level pages follow the guide rooted at the top-level index.
    assert _pages(result, "everyone") == {"index", "about", "glossary"}
    assert "about" not in _pages(result, "user")
    assert "Traceback" not in result.output


def _conf_with(source: Path, old: str, new: str) -> Path:
    conf = source / "conf.py"
    text = conf.read_text()
    assert old in text
    conf.write_text(text.replace(old, new))
    return conf


def test_unknown_audience_in_folder_map_stops_the_build_at_its_line(
    copy_root: object, tmp_path: Path,
) -> None:
    source = copy_root("folders")  # type: ignore[operator]
    conf = _conf_with(source, '"cli/": "user, operator"', '"cli/": "user, operater"')
    result = build_source(source, tmp_path / "out")
    assert result.status == 2
    assert (
        f"guidebook: error: {conf}:12: guidebook_folder_audiences['cli/']: unknown "
        "audience 'operater' (known: everyone, user, operator, or '*' for every guide)"
    ) in result.output.splitlines()
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "index.html").exists()


def test_pattern_matching_no_page_warns_at_its_line(
    copy_root: object, tmp_path: Path,
) -> None:
    source = copy_root("folders")  # type: ignore[operator]
    conf = _conf_with(source, '"cli/admin-*"', '"cli/admn-*"')
    result = build_source(source, tmp_path / "out", strict=True)
    assert result.status == 1
    assert (
        f"{conf}:13: WARNING: guidebook_folder_audiences['cli/admn-*'] matches no page "
        "(a folder ends in '/', a glob is matched against docnames such as 'cli/index') "
        "[guidebook.folder-audiences-unmatched]"
    ) in result.warnings()
