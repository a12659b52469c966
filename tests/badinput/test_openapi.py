"""OpenAPI spec mistakes and hostile spec text: located messages, inert output, site kept."""

from __future__ import annotations

import html.parser
from pathlib import Path

import pytest

from tests.badinput.corpus import (
    BASE_FILES,
    Baseline,
    Case,
    baseline_fixture,
    broken_copy,
    build_quietly,
    check_case,
)

SPEC_PATH = "api-ref/openapi.yaml"
SPEC = """\
openapi: 3.1.0
info:
  title: Bad input API
  version: "2.0"
paths:
  /v2/images:
    get:
      summary: List images
      description: Goodword list of images.
      responses:
        "200":
          description: A page of images.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Image"
              example:
                name: cirros
                size: 42
components:
  schemas:
    Image:
      type: object
      properties:
        name:
          type: string
        size:
          type: integer
"""
FILES = {
    **BASE_FILES,
    "conf.py": BASE_FILES["conf.py"] + (
        'guidebook_parts = {"api-ref": {"title": "API reference", "root": "api-ref/index"}}\n'),
    "api-ref/index.rst": "API reference\n=============\n\n.. openapi:: openapi.yaml\n",
    SPEC_PATH: SPEC,
}

baseline = baseline_fixture(FILES)

CANNOT = "; the API reference cannot be built"

CASES = [
    Case("yaml-syntax-error", {SPEC_PATH: SPEC.replace("summary: List", "summary: [List")}, 2, (
        "guidebook: error: {src}/api-ref/openapi.yaml:9: not valid YAML: did not find expected "
        "',' or ']'" + CANNOT,
    )),
    Case("spec-not-a-mapping", {SPEC_PATH: "- just\n- a list\n"}, 2, (
        "guidebook: error: {src}/api-ref/openapi.yaml:1: an OpenAPI spec must be a mapping "
        "(openapi, info, paths, ...)" + CANNOT,
    )),
    Case("spec-empty", {SPEC_PATH: ""}, 2, (
        "guidebook: error: {src}/api-ref/openapi.yaml:1: an OpenAPI spec must be a mapping "
        "(openapi, info, paths, ...)" + CANNOT,
    )),
    Case("example-breaks-schema", {SPEC_PATH: SPEC.replace("size: 42", "size: forty-two")}, 1, (
        "{src}/api-ref/openapi.yaml:19: WARNING: GET /v2/images: example 'example' of the "
        "response 200 (application/json) does not match its schema: 'forty-two' is not of "
        "type 'integer' (at size) [guidebook.openapi-example]",
    )),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_spec(case: Case, baseline: Baseline, tmp_path: Path) -> None:
    check_case(case, baseline, tmp_path)


def _ref_problem(baseline: Baseline, tmp_path: Path, spec: str) -> tuple[Path, list[str]]:
    """Build a spec with a broken ``$ref``: a located warning, so the strict build fails
    cleanly, site intact."""
    case = Case("ref", {SPEC_PATH: spec}, 1, ())
    result = check_case(case, baseline, tmp_path)
    assert "RecursionError" not in result.output
    # A newcomer's message: short, never the whole spec printed back.
    assert all(len(line) < 400 for line in result.output.splitlines()), result.output
    return result.source / SPEC_PATH, result.output.splitlines()


def test_ref_to_nothing_names_the_ref_and_its_line(baseline: Baseline, tmp_path: Path) -> None:
    spec = SPEC.replace("#/components/schemas/Image", "#/components/schemas/Nothing")
    path, lines = _ref_problem(baseline, tmp_path, spec)
    assert any(
        line.startswith(f"{path}:16: ") and "#/components/schemas/Nothing" in line
        for line in lines
    ), "\n".join(lines)


def test_recursive_ref_names_the_loop_and_its_line(baseline: Baseline, tmp_path: Path) -> None:
    spec = SPEC.replace('$ref: "#/components/schemas/Image"', '$ref: "#/components/schemas/Loop"')
    spec += '    Loop:\n      $ref: "#/components/schemas/Again"\n'
    spec += '    Again:\n      $ref: "#/components/schemas/Loop"\n'
    path, lines = _ref_problem(baseline, tmp_path, spec)
    assert any(
        line.startswith(f"{path}:") and "#/components/schemas/Loop" in line
        and "$ref" in line for line in lines
    ), "\n".join(lines)


HOSTILE = (
    SPEC.replace("Goodword list of images.",
                 "'Goodword <script>alert(1)</script><img src=x onerror=alert(2)> "
                 "[x](javascript:alert(3))'")
    .replace("summary: List images", "summary: <b onmouseover=alert(6)>List</b>")
    .replace("name: cirros", 'name: "<script>alert(7)</script>"')
    .replace("title: Bad input API", 'title: "<svg onload=alert(8)>"')
)
HOSTILE_WARNING = (
    "{src}/api-ref/openapi.yaml:9: WARNING: GET /v2/images: raw html markup shown as text: "
    "'<script>' [guidebook.openapi-unsafe-markup]"
)
RST_LINK = SPEC.replace(
    "Goodword list of images.",
    "|\n        Goodword: see `the docs <javascript:alert(3)>`_.",
)


class _ActiveContent(html.parser.HTMLParser):
    """Collects every way a page could run script: tags, handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        if tag in ("svg", "iframe", "object", "embed") or (tag == "img" and ("src", "x") in attrs):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            text = (value or "").strip().lower()
            if name.startswith("on") or text.startswith(("javascript:", "data:text/html")):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(" in data:
            self.found.append(f"<script>{data}</script>")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def test_hostile_spec_text_comes_out_inert(baseline: Baseline, tmp_path: Path) -> None:
    source, out = broken_copy(baseline, tmp_path, {SPEC_PATH: HOSTILE})
    result = build_quietly(source, out, strict=False)
    assert result.status == 0, result.output
    assert "Traceback" not in result.output
    page = result.html("api-ref", "api-ref/operations/images")
    assert "Goodword" in page and "alert(7)" in page  # the text is shown ...
    for path in out.rglob("*.html"):
        checker = _ActiveContent()
        checker.feed(path.read_text(encoding="utf-8"))
        assert checker.found == [], f"{path}: {checker.found}"  # ... but never runs
    for path in out.rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "onerror=alert" not in text, path


def test_hostile_spec_text_fails_a_strict_build(baseline: Baseline, tmp_path: Path) -> None:
    """Inline HTML in the middle of a description is reported at the spec's line."""
    check_case(Case("hostile-strict", {SPEC_PATH: HOSTILE}, 1, (HOSTILE_WARNING,)),
               baseline, tmp_path)


def test_javascript_link_in_a_description_is_removed(baseline: Baseline, tmp_path: Path) -> None:
    case = Case("javascript-link", {SPEC_PATH: RST_LINK}, 1, (
        "{src}/api-ref/openapi.yaml:9: WARNING: GET /v2/images: link to 'javascript:alert(3)' "
        "removed (unsafe URL scheme) [guidebook.openapi-unsafe-markup]",
    ), absent=("Traceback",))
    check_case(case, baseline, tmp_path)
    source, out = broken_copy(baseline, tmp_path / "lax", {SPEC_PATH: RST_LINK})
    result = build_quietly(source, out, strict=False)
    assert result.status == 0, result.output
    page = result.html("api-ref", "api-ref/operations/images")
    assert "the docs" in page and "javascript:" not in page
