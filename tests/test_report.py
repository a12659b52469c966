"""``guidebook report``: the map of guides and pages, and the audience x page type matrix."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from guidebook.cli import main


def run_report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["report", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def row(docname: str, title: str, page_type: str | None, *columns: str) -> dict[str, Any]:
    return {"docname": docname, "title": title, "source": f"{docname}.rst",
            "page_type": page_type, "in": list(columns), "shared": len(columns) > 1}


def counts(tutorial: int, how_to: int, reference: int, explanation: int, untyped: int
           ) -> dict[str, int]:
    return {"tutorial": tutorial, "how-to": how_to, "reference": reference,
            "explanation": explanation, "untyped": untyped,
            "total": tutorial + how_to + reference + explanation + untyped}


def test_report_json_of_a_tiny_root(
    copy_root: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    source = copy_root("reorg")

    status, out, err = run_report(capsys, "--source", str(source), "--format", "json")

    assert status == 0, err
    assert json.loads(out) == {
        "format": 1,
        "columns": [
            {"name": "user", "title": "User guide", "kind": "guide", "pages": 5},
            {"name": "admin", "title": "Admin guide", "kind": "guide", "pages": 4},
            {"name": "contributor", "title": "Contributor guide", "kind": "guide",
             "pages": 2},
        ],
        "pages": [
            row("admin/cache", "How the image cache works", "explanation", "admin"),
            row("admin/index", "Admin guide", None, "admin"),
            row("admin/install", "Install", "how-to", "admin"),
            row("common/glossary", "Glossary", "reference", "user", "admin"),
            row("contributor/index", "Contributor guide", None, "contributor"),
            row("contributor/tests", "Running the tests", None, "contributor"),
            row("user/index", "User guide", None, "user"),
            row("user/quotas", "Image quotas", "reference", "user"),
            row("user/share", "Share an image", "tutorial", "user"),
            row("user/upload", "Upload an image", "how-to", "user"),
        ],
        "shared": ["common/glossary"],
        "coverage": {
            "page_types": ["tutorial", "how-to", "reference", "explanation"],
            "guides": {
                "user": counts(1, 1, 2, 0, 1),
                "admin": counts(0, 1, 1, 1, 1),
                "contributor": counts(0, 0, 0, 0, 2),
            },
        },
        "languages": [],  # no guidebook_languages
    }


def _table_rows(html: str, table: str) -> list[str]:
    body = html.split(f'<table class="{table}">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>.*?</tr>", body)


def test_report_html_map_and_matrix(
    copy_root: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = copy_root("reorg")
    glossary = source / "common" / "glossary.rst"
    glossary.write_text(glossary.read_text().replace("Glossary\n========",
                                                     "Terms & <names>\n==============="))
    output = tmp_path / "map.html"

    status, out, err = run_report(capsys, "--source", str(source), "--output", str(output))

    assert status == 0, err
    assert out == ""
    html = output.read_text(encoding="utf-8")
    coverage = _table_rows(html, "coverage")
    assert coverage[1] == (
        '<tr><th scope="row">User guide <code>user</code></th><td>1</td><td>1</td>'
        '<td>2</td><td class="gap">0</td><td>1</td><td>5</td></tr>')
    pages = _table_rows(html, "map")
    assert pages[0] == (
        '<tr><th>Page</th><th scope="col">User guide<br><code>user</code></th>'
        '<th scope="col">Admin guide<br><code>admin</code></th>'
        '<th scope="col">Contributor guide<br><code>contributor</code></th></tr>')
    assert pages[4] == (
        '<tr class="shared"><th scope="row">Terms &amp; &lt;names&gt;<br>'
        "<code>common/glossary</code></th><td>&#10003; reference</td>"
        "<td>&#10003; reference</td><td></td></tr>")
    assert '<p class="meta">10 pages in 3 guides and parts; 1 shared by more than one.</p>' \
        in html


def test_report_reads_a_manifest_and_leaves_parts_out_of_the_coverage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "guidebook.json"
    manifest.write_text(json.dumps({
        "guides": [{"name": "user", "title": "Users", "pages": [
            {"docname": "user/index", "url": "user/index.html", "page_type": None},
            {"docname": "api/use", "url": "user/api/use.html", "page_type": "how-to"},
        ]}],
        "parts": [{"name": "api-ref", "title": "API", "pages": [
            {"docname": "api/use", "url": "api-ref/api/use.html", "page_type": "how-to"},
        ]}],
        "redirects": [],
    }), encoding="utf-8")

    status, out, _err = run_report(capsys, "--manifest", str(manifest), "--format", "json")

    assert status == 0
    report = json.loads(out)
    assert [column["kind"] for column in report["columns"]] == ["guide", "part"]
    assert report["shared"] == ["api/use"]
    assert report["coverage"]["guides"] == {"user": counts(0, 1, 0, 0, 1)}


def test_report_errors_are_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _out, err = run_report(capsys, "--source", str(tmp_path))
    assert status == 2
    assert err == f"guidebook report: error: {tmp_path}: no conf.py here (is --source right?)\n"

    bad = tmp_path / "guidebook.json"
    bad.write_text("{not json", encoding="utf-8")
    status, _out, err = run_report(capsys, "--manifest", str(bad))
    assert status == 2
    assert err.startswith(f"guidebook report: error: {bad}: not a JSON file: ")
    assert "Traceback" not in err
