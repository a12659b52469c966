"""Property-based tests of the parsers guidebook writes itself: the audience lists and the
page-to-part rules."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from sphinx.errors import ConfigError

from guidebook.audiences.model import (
    AudienceSyntaxError,
    audience_expression,
    audience_tag,
    default_parts,
    page_parts,
    parse_audiences,
    top_folder,
)
from guidebook.config import GuidebookConfig, Part

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")

names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,11}", fullmatch=True)
separators = st.sampled_from([",", ", ", " ", "  ", "\t", "\n", " ,", ",,", ", \n  "])
folders = st.sampled_from(["user", "admin", "api-ref", "contributor", "releasenotes", ""])


@given(st.text())
def test_parse_audiences_returns_names_or_raises_its_own_error(text: str) -> None:
    try:
        parsed = parse_audiences(text)
    except AudienceSyntaxError as exc:
        assert str(exc)
        return
    assert parsed
    assert len(set(parsed)) == len(parsed)
    assert all(NAME.match(name) for name in parsed)
    assert parse_audiences(", ".join(parsed)) == parsed


@given(st.lists(names, min_size=1, max_size=8), st.data())
def test_names_joined_by_commas_or_spaces_round_trip(
    listed: list[str], data: st.DataObject
) -> None:
    text = listed[0]
    for name in listed[1:]:
        text += data.draw(separators) + name
    padded = data.draw(st.sampled_from(["", " ", "\n"])) + text + data.draw(
        st.sampled_from(["", " ", ",", "\n"]))
    expected = tuple(dict.fromkeys(listed))  # first occurrence order, once each
    assert parse_audiences(padded) == expected


@given(st.lists(names, min_size=1, max_size=5), st.integers(min_value=0, max_value=5),
       st.sampled_from(["$", "<", ">", "/", ".", ":", "'", '"', "&", "=", "(", "*"]))
def test_a_bad_character_anywhere_is_an_audience_syntax_error(
    listed: list[str], where: int, bad: str
) -> None:
    position = where % len(listed)
    listed = [*listed]
    listed[position] = listed[position] + bad
    try:
        parse_audiences(", ".join(listed))
    except AudienceSyntaxError as exc:
        assert "invalid audience name" in str(exc)
    else:
        raise AssertionError(f"{listed} was accepted")


@given(st.text(alphabet=" ,\t\n\r"))
def test_separators_alone_are_no_audience(text: str) -> None:
    try:
        parse_audiences(text)
    except AudienceSyntaxError as exc:
        assert str(exc) == "no audience given"
    else:
        raise AssertionError(f"{text!r} was accepted")


@st.composite
def site_specs(draw: st.DrawFn) -> list[Part]:
    """Valid guides and parts: unique names, roots in a folder or at the top of the tree."""
    spec_names = draw(st.lists(names, min_size=1, max_size=6, unique_by=audience_tag))
    specs = []
    for index, name in enumerate(spec_names):
        folder = draw(folders)
        root = f"{folder}/index" if folder else draw(st.sampled_from(["index", "overview"]))
        kind = "guide" if index == 0 else draw(st.sampled_from(["guide", "part"]))
        specs.append(Part(name=name, title=name.title(), root=root, description="",
                              kind=kind))
    return specs


docnames = st.builds(
    lambda folder, leaf: f"{folder}/{leaf}" if folder else leaf,
    folders | st.sampled_from(["common", "shared"]),
    st.sampled_from(["index", "overview", "upload", "deep/page"]),
)


@given(site_specs(), docnames)
def test_default_parts_are_the_guides_of_the_page_folder(
    specs: list[Part], docname: str
) -> None:
    parts = default_parts(docname, specs)
    order = [part.name for part in specs]
    assert list(parts) == [name for name in order if name in parts]  # conf.py order
    folder = top_folder(docname)
    for spec in specs:
        # A top-level page is in every part rooted at the top, not only in the part whose
        # root it is (a guide rooted at the top-level index holds the pages beside it).
        assert (spec.name in parts) == (spec.folder == folder)


@given(site_specs(), docnames, st.none() | st.lists(names, max_size=5))
def test_page_parts_invariants(
    specs: list[Part], docname: str, declared: list[str] | None
) -> None:
    parts = page_parts(docname, declared, specs)
    known = [part.name for part in specs]
    assert len(set(parts)) == len(parts)
    assert list(parts) == [name for name in known if name in parts]  # conf.py order
    roots = {part.name for part in specs if part.root == docname}
    assert roots <= set(parts)  # a part's root page is always in that part
    if declared is None:
        assert set(parts) == set(default_parts(docname, specs)) | roots
    else:
        assert set(parts) == (set(declared) & set(known)) | roots


@given(site_specs(), docnames, st.lists(names, min_size=1, max_size=5))
def test_page_parts_accepts_parsed_field_values(
    specs: list[Part], docname: str, declared: list[str]
) -> None:
    parsed = parse_audiences(" ".join(declared))
    assert page_parts(docname, parsed, specs) == page_parts(docname, declared, specs)


@given(st.lists(names, min_size=1, max_size=5, unique=True))
def test_audience_expression_names_each_tag_once(listed: list[str]) -> None:
    expression = audience_expression(listed)
    tags = expression.split(" or ")
    assert tags == [audience_tag(name) for name in listed]
    assert all(re.fullmatch(r"guidebook_[A-Za-z0-9_]+", tag) for tag in tags)


@given(st.from_regex(r"[A-Za-z0-9]{1,6}[-_][A-Za-z0-9_-]{0,6}", fullmatch=True))
def test_names_that_share_a_tag_are_refused_by_the_config(first: str) -> None:
    """Two guides whose tags are equal ('api-ref', 'api_ref') would see each other's blocks."""
    at = re.search(r"[-_]", first)
    assert at is not None
    swapped = "_" if at.group() == "-" else "-"
    second = first[: at.start()] + swapped + first[at.end():]
    assert audience_tag(first) == audience_tag(second)
    guides = {name: {"title": name, "root": f"{name}/index"} for name in (first, second)}
    try:
        GuidebookConfig(guides=guides).configured_parts()
    except ConfigError as exc:
        assert first in str(exc) and second in str(exc)
    else:
        raise AssertionError(f"{first!r} and {second!r} share the tag {audience_tag(first)!r}")
