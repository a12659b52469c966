"""GitHub-flavoured Markdown tables as spec authors write them (issue 23).

The rendered HTML of a table with leading pipes only is asserted in
``test_openapi_wild.py``; here, the rewriting itself, fast, on the forms a build would
take long to show one by one.
"""

from __future__ import annotations

from guidebook.openapi.gfm import normalize_tables


def test_leading_pipes_only_short_rows_and_breaks() -> None:
    assert normalize_tables("Sizes:\n\n| a | b\n|:--|--:\n| 1 | 2<br/>3\n| 4\n\nAfter.") == (
        "Sizes:\n\n| a | b |\n| :-- | --: |\n| 1 | 2 3 |\n| 4 |  |\n\nAfter.")


def test_no_outer_pipes_extra_cells_and_escaped_pipes() -> None:
    assert normalize_tables("a | b\n--- | ---\n1 | 2 | 3\n`x\\|y` | z") == (
        "| a | b |\n| --- | --- |\n| 1 | 2 |\n| `x\\|y` | z |")


def test_fenced_code_headings_and_mismatched_delimiters_are_left_alone() -> None:
    fenced = "```\n| a | b\n|---|---\n```\n"
    assert normalize_tables(fenced) == fenced
    heading = "Title | x\n---\n"
    assert normalize_tables(heading) == heading
