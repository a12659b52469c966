"""reStructuredText mistakes: each names the file and line, fails the strict build and
leaves the published site alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.badinput.corpus import (
    Baseline,
    Case,
    baseline_fixture,
    build_quietly,
    check_case,
    timed,
)

baseline = baseline_fixture()

PAGE = "user/page.rst"
HEAD = "A page\n======\n\n"

CASES = [
    Case("unclosed-emphasis", {PAGE: HEAD + "Some *emphasis never closed.\n"}, 1, (
        "{src}/user/page.rst:4: WARNING: Inline emphasis start-string without end-string. "
        "[docutils]",
    )),
    Case("unclosed-literal", {PAGE: HEAD + "Run ``glance image-list to see.\n"}, 1, (
        "{src}/user/page.rst:4: WARNING: Inline literal start-string without end-string. "
        "[docutils]",
    )),
    Case("unclosed-interpreted", {PAGE: HEAD + "See `the list for details.\n"}, 1, (
        "{src}/user/page.rst:4: WARNING: Inline interpreted text or phrase reference "
        "start-string without end-string. [docutils]",
    )),
    Case("bad-indentation", {PAGE: HEAD + "First line\nsecond line\n    indented line.\n"}, 1, (
        "{src}/user/page.rst:6: ERROR: Unexpected indentation. [docutils]",
    )),
    Case("unexpected-unindent", {PAGE: HEAD + "    quoted text\nnot quoted.\n"}, 1, (
        "{src}/user/page.rst:5: WARNING: Block quote ends without a blank line; "
        "unexpected unindent. [docutils]",
    )),
    Case("unknown-directive", {PAGE: HEAD + ".. frobnicate:: images\n"}, 1, (
        '{src}/user/page.rst:4: ERROR: Unknown directive type "frobnicate".',
    )),
    Case("unknown-role", {PAGE: HEAD + "See :frob:`images`.\n"}, 1, (
        '{src}/user/page.rst:4: ERROR: Unknown interpreted text role "frob". [docutils]',
    )),
    Case("title-underline-too-short", {PAGE: "A page with a long title\n=====\n\nText.\n"}, 1, (
        "{src}/user/page.rst:2: WARNING: Title underline too short.",
    )),
    Case("title-level-inconsistent", {PAGE: HEAD + "Sub\n---\n\nx\n\nSecond\n======\n\n"
                                      "y\n\nDeep\n~~~~\n\nz\n"}, 1, (
        "{src}/user/page.rst:14: CRITICAL: Title level inconsistent:",
    )),
    Case("empty-file", {PAGE: ""}, 1, (
        "{src}/user/index.rst:6: WARNING: toctree contains reference to document "
        "'user/page' that doesn't have a title: no link will be generated [toc.no_title]",
    )),
    Case("not-utf8", {PAGE: HEAD.encode() + "Caf\u00e9 in Latin-1.\n".encode("latin-1")}, 2, (
        "guidebook: error: {src}/user/page.rst:4: this file is not valid UTF-8 text "
        "(byte 0xe9 at column 4); save it as UTF-8",
    )),
    Case("not-utf8-two-files", {
        PAGE: HEAD.encode() + b"ok\n\n\xff\xfe broken\n",
        "admin/index.rst": b"Operator guide\n==============\n\n\x93quoted\x94\n",
    }, 2, (
        "guidebook: error: {src}/admin/index.rst:4: this file is not valid UTF-8 text "
        "(byte 0x93 at column 1); save it as UTF-8",
        "{src}/user/page.rst:6: this file is not valid UTF-8 text (byte 0xff at column 1); "
        "save it as UTF-8",
    )),
    Case("malformed-table", {PAGE: HEAD + "+-----+-----+\n| a   | b\n+-----+-----+\n"}, 1, (
        "{src}/user/page.rst:4: ERROR: Malformed table.",
    )),
    Case("unknown-target", {PAGE: HEAD + "See images_ for more.\n"}, 1, (
        '{src}/user/page.rst:4: ERROR: Unknown target name: "images". [docutils]',
    )),
    Case("duplicate-target", {PAGE: HEAD + ".. _dup:\n\nOne\n---\n\n.. _dup:\n\nTwo\n---\n"}, 1, (
        '{src}/user/page.rst:9: WARNING: Duplicate explicit target name: "dup". [docutils]',
    )),
    Case("directive-bad-option", {PAGE: HEAD + ".. image:: pic.png\n   :width: banana\n"}, 1, (
        '{src}/user/page.rst:4: ERROR: Error in "image" directive:',
    )),
    Case("directive-content-not-allowed", {PAGE: HEAD + ".. contents:: Here\n   :bogus:\n"}, 1, (
        '{src}/user/page.rst:4: ERROR: Error in "contents" directive:',
    )),
    Case("undefined-label", {PAGE: HEAD + "See :ref:`no-such-label`.\n"}, 1, (
        "{src}/user/page.rst:4: WARNING: undefined label: 'no-such-label' [ref.ref]",
    )),
    Case("unknown-document", {PAGE: HEAD + "See :doc:`nowhere`.\n"}, 1, (
        "{src}/user/page.rst:4: WARNING: unknown document: 'nowhere' [ref.doc]",
    )),
    Case("section-inside-block", {PAGE: HEAD + ".. note::\n\n   Inner\n   -----\n\n   x\n"}, 1, (
        "{src}/user/page.rst:7: CRITICAL: Unexpected section title.",
    )),
    Case("page-in-no-toctree", {"user/lost.rst": "Lost\n====\n\nNobody links here.\n"}, 1, (
        "{src}/user/lost.rst: WARNING: document isn't included in any toctree "
        "[toc.not_included]",
    )),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_rst(case: Case, baseline: Baseline, tmp_path: Path) -> None:
    check_case(case, baseline, tmp_path)


def test_ten_megabyte_page_does_not_hang(baseline: Baseline, tmp_path: Path) -> None:
    """A 10 MB page with one mistake at its end: located exactly, in reasonable time."""
    paragraph = "Goodword filler about images, stores and members. " * 20 + "\n\n"
    count = 10 * 1024 * 1024 // len(paragraph) + 1
    body = HEAD + paragraph * count + "Last *unclosed emphasis.\n"
    assert len(body) > 10 * 1024 * 1024
    case = Case("ten-megabytes", {PAGE: body}, 1, (
        f"{{src}}/user/page.rst:{4 + 2 * count}: WARNING: Inline emphasis start-string "
        "without end-string. [docutils]",
    ))
    result, seconds = timed(lambda: check_case(case, baseline, tmp_path))
    assert result.status == 1
    assert seconds < 45, f"a 10 MB page took {seconds:.1f} s"


def test_non_strict_build_publishes_with_the_warning(baseline: Baseline, tmp_path: Path) -> None:
    """Without --strict, a markup slip is reported and the new site is published."""
    case = Case("non-strict", {PAGE: HEAD + "Newword *unclosed.\n"}, 0, (
        "{src}/user/page.rst:4: WARNING: Inline emphasis start-string without end-string. "
        "[docutils]",
    ), strict=False)
    result = check_case(case, baseline, tmp_path)
    assert "Newword" in result.html("user", "user/page")
    again = build_quietly(result.source, result.out, strict=False)
    assert again.status == 0 and "Traceback" not in again.output
