"""Real-world specs: every OpenAPI construct renders, large specs are paged, tables, warnings.

The ``openapi-constructs`` root holds one spec (over four files) with each construct of
issue 17: example objects with ``value``, ``$ref``, ``externalValue`` and nothing,
``examples`` maps, ``allOf``/``oneOf``/``anyOf``, a recursive schema, ``nullable``,
Markdown with tables and inline HTML, Markdown that cannot become reStructuredText, and
ECMA-262 ``\\p{L}`` patterns.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from guidebook.openapi.bundle import load_spec
from guidebook.openapi.fields import schema_fields
from tests.conftest import BuildResult, build_source

SPEC = "api-ref/openapi.yaml"
PETS = ("api-ref", "api-ref/operations/pets")
OWNERS = ("api-ref", "api-ref/operations/owners")
BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def warnings(result: BuildResult) -> list[str]:
    return [line.rpartition("... ")[2] if "... /" in line else line
            for line in result.warnings()]


def section(html: str, anchor: str) -> str:
    """The HTML of the operation section with id *anchor*."""
    start = html.index(f'id="{anchor}"')
    end = html.find('<section class="guidebook-api-operation"', start + 1)
    return html[start:end if end > 0 else len(html)]


def rows(html: str) -> dict[str, list[str]]:
    """Field-table rows of *html*: the first cell's text -> the other cells' texts."""
    found: dict[str, list[str]] = {}
    for row in re.findall(r"<tr class=\"row-(?:odd|even)\">(.*?)</tr>", html, re.S):
        # A field name may break at its dots (<wbr>): its text has no space there.
        cells = [" ".join(re.sub(r"<[^>]+>", " ", cell.replace("<wbr>", "")).split())
                 for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        if cells:
            found.setdefault(cells[0], cells[1:])
    return found


def edited_constructs(copy_root: Callable[[str], Path], *edits: tuple[str, str]) -> Path:
    """A copy of the constructs root with each (old, new) edit applied to its spec."""
    source = copy_root("openapi-constructs")
    path = source / SPEC
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return source


@pytest.fixture(scope="module")
def constructs(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    import shutil

    root = Path(__file__).parent / "roots" / "test-openapi-constructs"
    source = tmp_path_factory.mktemp("constructs") / "src"
    shutil.copytree(root, source)
    return build_source(source, source.parent / "out")


# -- every construct renders, with located warnings -------------------------------------


def test_every_construct_builds_with_exactly_the_located_warnings(
    constructs: BuildResult,
) -> None:
    assert constructs.status == 0, constructs.output
    assert "Traceback" not in constructs.output and "internal error" not in constructs.output
    spec = constructs.source / SPEC
    link = constructs.source / "api-ref/schemas/owner-link.yaml"
    pattern = ("pattern '^[\\\\p{L} ]+$' uses a regular expression feature Python's re lacks "
               "(bad escape \\p at position 2); examples are checked without it "
               "[guidebook.openapi-check-limit]")
    broken = ("description shown as text: its Markdown does not make valid "
              "reStructuredText (Inline strong start-string without end-string.) "
              "[guidebook.openapi-markup]")
    text = spec.read_text(encoding="utf-8").splitlines()
    patterns = [number for number, line in enumerate(text, start=1) if "pattern:" in line]
    assert sorted(warnings(constructs)) == sorted([
        f"{spec}:{patterns[0]}: WARNING: {pattern}",
        f"{spec}:{patterns[1]}: WARNING: {pattern}",
        f"{spec}:{line_of(spec, 'This **description is broken')}: WARNING: "
        f"GET /pets/{{pet_id}}: {broken}",
        f"{link}:{line_of(link, 'description is broken too')}: WARNING: "
        f"GET /owners/{{owner_id}}: {broken}",
    ])


def test_any_of_the_warnings_fails_a_strict_build(
    copy_root: Callable[[str], Path], tmp_path: Path,
) -> None:
    result = build_source(copy_root("openapi-constructs"), tmp_path / "out", strict=True)
    assert result.status != 0
    assert "guidebook.openapi-check-limit" in result.output


def test_broken_markdown_is_shown_as_text(constructs: BuildResult) -> None:
    html = section(constructs.html(*PETS), "api-get-pets-pet-id")
    assert "<p>This **description is broken Markdown for reStructuredText.</p>" in html


def test_examples_of_every_kind(constructs: BuildResult) -> None:
    html = section(constructs.html(*PETS), "api-post-pets")
    assert "<strong>Example request: inline</strong> — A value given inline" in html
    # A $ref to components/examples, resolved.
    assert "<strong>Example request: shared</strong> — A value shared by reference" in html
    assert "Tweety" in html
    # externalValue: linked, never fetched during the build.
    assert ('The example is published at <a class="reference external" '
            'href="https://example.org/examples/pet.json">') in html
    assert "(not fetched)" in html
    # Neither value nor externalValue.
    assert "<strong>Example request: empty</strong> — No value at all" in html
    assert "(This example has no value.)" in html


def test_markdown_tables_and_inline_html_render(constructs: BuildResult) -> None:
    pets = constructs.html(*PETS)
    intro = pets[:pets.index('<section class="guidebook-api-operation"')]
    assert "<strong>Markdown</strong>" in intro
    assert re.search(r"<table[^>]*>.*<p>Kind</p>.*<p>dog</p>.*<p>4</p>", intro, re.S)
    owners = constructs.html(*OWNERS)
    assert "<strong>inline HTML</strong>" in owners
    assert 'href="https://example.org/html">an HTML link</a>' in pets


# -- field tables ---------------------------------------------------------------------------


def test_parameter_table_has_type_required_enum_default(constructs: BuildResult) -> None:
    html = section(constructs.html(*OWNERS), "api-get-owners-owner-id")
    table = html[html.index("guidebook-api-parameters"):]
    table = table[:table.index("</table>")]
    assert re.search(r"<th class=\"head\"><p>Name</p></th>\s*<th class=\"head\"><p>In</p></th>"
                     r"\s*<th class=\"head\"><p>Type</p></th>", table)
    found = rows(table)
    assert found["owner_id"] == ["path", "string", "yes", ""]
    assert found["fields"] == ["query", "string", "no",
                               "Which fields to return. One of: all , short . Default: short ."]
    # A path-level parameter by $ref.
    pet = rows(section(constructs.html(*PETS), "api-get-pets-pet-id"))
    assert pet["pet_id"] == ["path", "integer", "yes", "The pet\u2019s ID. Minimum 1."]


def test_body_tables_nest_by_dotted_name_across_files(constructs: BuildResult) -> None:
    found = rows(section(constructs.html(*PETS), "api-post-pets"))
    assert found["name"] == ["string", "yes", "The pet\u2019s name."]
    assert found["kind"] == ["string", "yes", "What the pet is. One of: dog , cat , bird ."]
    assert found["tag"] == ["string, nullable", "no", "A free tag."]
    # From schemas/pet.yaml, then ../schemas/owner-link.yaml (a multi-file spec).
    assert found["owner"] == ["object (owner-link)", "no", "Where to find the owner."]
    assert found["owner.href"][:2] == ["string (uri)", "no"]


def test_all_of_is_merged_and_recursion_is_named(constructs: BuildResult) -> None:
    found = rows(section(constructs.html(*OWNERS), "api-get-owners-owner-id"))
    assert found["name"] == ["string", "yes", "The person\u2019s name."]  # from Person (allOf)
    assert found["nickname"] == ["string, nullable", "no", "What friends call the owner."]
    assert found["pets[].kind"][:2] == ["string", "yes"]
    assert found["friends[].friends"] == [
        "array of object (Person)", "no",
        "Other people (a recursive schema). The same fields as Person (recursive)."]
    assert "friends[].friends[].name" not in found


def test_one_of_and_any_of_alternatives(constructs: BuildResult) -> None:
    found = rows(section(constructs.html(*PETS), "api-get-pets-pet-id"))
    assert found["name"] == ["string", "yes", "The pet\u2019s name. In Pet."]
    assert found["serial"] == ["string", "no", "The robot\u2019s serial number. In Robot."]
    error = rows(section(constructs.html(*PETS), "api-post-pets"))
    assert error["code"] == ["integer or string", "no", "A code, as a number or a name."]


def test_a_component_table_is_shown_once_per_page(constructs: BuildResult) -> None:
    html = section(constructs.html(*PETS), "api-post-pets")
    # The 201 response uses the request body's schema: linked to the first table.
    assert re.search(r'<table class="guidebook-api-table guidebook-api-fields docutils '
                     r'align-default" id="api-fields-x-guidebook-files-schemas-pet-yaml-pet">',
                     html)
    assert ('Fields of Pet: as listed for <a class="reference internal" '
            'href="#api-fields-x-guidebook-files-schemas-pet-yaml-pet">Create a pet</a>'
            in html)


# -- links and navigation ---------------------------------------------------------------


def test_api_links_resolve_across_the_tag_pages(constructs: BuildResult) -> None:
    user = constructs.html("user", "user/index")
    assert 'href="../api-ref/operations/pets.html#api-post-pets"' in user
    assert ('href="../api-ref/operations/owners.html#api-get-owners-owner-id"'
            in user)


def test_tag_pages_are_in_the_sidebar_and_the_search_index(constructs: BuildResult) -> None:
    owners = constructs.html(*OWNERS)
    assert '<a class="reference internal" href="../operations/pets.html">Pets</a>' \
        in owners
    index = constructs.searchindex("api-ref")
    page = index["docnames"].index("operations/pets")
    assert [page, "api-post-pets"] in index["alltitles"]["Create a pet"]
    assert "Pets" in index["titles"]


# -- large specs ----------------------------------------------------------------------------


def _openapi_spec_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("guidebook_bench_openapi_spec",
                                                  BENCHMARKS / "openapi_spec.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_tag_of_200_operations_is_one_page_with_every_operation(tmp_path: Path) -> None:
    generator = _openapi_spec_module()
    generator.generate(210, tmp_path / "tree", tag_size=200)
    source = tmp_path / "tree" / "guidebook"
    result = build_source(source, tmp_path / "out", strict=True)
    assert result.status == 0, result.output
    spec = yaml.safe_load((source / SPEC).read_text(encoding="utf-8"))
    first, second = (tag["name"] for tag in spec["tags"])
    big = result.html("api-ref", f"api-ref/operations/{first.replace(' ', '-')}")
    small = result.html("api-ref", f"api-ref/operations/{second.replace(' ', '-')}")
    assert big.count('<section class="guidebook-api-operation"') == 200
    assert small.count('<section class="guidebook-api-operation"') == 10
    index = result.html("api-ref", "api-ref/index")
    assert index.count('class="toctree-l1"') >= 2
    assert "guidebook: openapi.yaml: 210 operations" in result.output
    # The example checks ran once for the whole spec, not once per page.
    assert result.output.count("operations, ") == 1


def test_generated_spec_is_valid_and_its_examples_match() -> None:
    generator = _openapi_spec_module()
    spec = generator.generate_spec(60)
    assert sum(1 for item in spec["paths"].values() for key in item
               if key != "parameters") == 60
    assert len(spec["tags"]) == 3


def test_example_problems_are_grouped_per_operation(
    copy_root: Callable[[str], Path], tmp_path: Path,
) -> None:
    source = edited_constructs(
        copy_root,
        ("value: {name: Rex, kind: dog, tag: null}", "value: {name: 1, kind: fish, tag: 2}"),
        ("example: {name: Rex, kind: dog}", "example: {name: Rex, kind: 3}"))
    result = build_source(source, tmp_path / "out")
    spec = result.source / SPEC
    line = line_of(spec, "value: {name: 1, kind: fish, tag: 2}")
    grouped = [w for w in warnings(result) if "openapi-example" in w]
    assert grouped == [
        f"{spec}:{line}: WARNING: POST /pets: 5 example problems (do not match their "
        "schemas): example 'inline' of the request body (application/json): 'fish' is not "
        "one of ['dog', 'cat', 'bird'] (at kind); example 'inline' of the request body "
        "(application/json): 1 is not of type 'string' (at name); example 'inline' of the "
        "request body (application/json): 2 is not of type 'string' (at tag); and 2 more "
        "[guidebook.openapi-example]"]


def test_json_spec_problems_are_at_their_own_line(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(
        '{\n  "openapi": "3.1.0",\n  "info": {"title": "t", "version": "1"},\n'
        '  "paths": {\n    "/a": {\n      "get": {\n        "responses": {\n'
        '          "200": {\n            "description": "ok",\n'
        '            "content": {"application/json": {\n'
        '              "schema": {"type": "string", "pattern": "^\\\\p{L}+$"}}}\n'
        '          }\n        }\n      }\n    }\n  }\n}\n', encoding="utf-8")
    spec = load_spec(path)
    from guidebook.openapi.validate import validate_spec

    problems = validate_spec(spec)
    assert [(spec.line_of(p.pointer), p.limitation) for p in problems] == [(11, True)]


def test_schema_rows_stop_at_recursion(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n"
        "  schemas:\n    N:\n      type: object\n      properties:\n"
        "        name: {type: [string, 'null']}\n"
        "        kids: {type: array, items: {$ref: '#/components/schemas/N'}}\n",
        encoding="utf-8")
    spec = load_spec(path)
    found, truncated = schema_fields(spec, {"$ref": "#/components/schemas/N"}, "")
    assert not truncated
    assert [(row.name, row.type) for row in found] == [
        ("name", "string, nullable"), ("kids", "array of object (N)")]
    assert found[1].notes == ("The same fields as N (recursive).",)


@pytest.mark.parametrize("theme", ["sphinx_rtd_theme", "openstackdocs"])
def test_builds_under_each_theme(copy_root: Callable[[str], Path], tmp_path: Path,
                                 theme: str) -> None:
    source = copy_root("openapi-constructs")
    conf = source / "conf.py"
    text = conf.read_text(encoding="utf-8").replace('html_theme = "alabaster"',
                                                    f'html_theme = "{theme}"')
    if theme == "openstackdocs":
        text = text.replace('extensions = ["guidebook"]',
                            'extensions = ["openstackdocstheme", "guidebook"]')
    conf.write_text(text, encoding="utf-8")
    result = build_source(source, tmp_path / "out")
    assert result.status == 0, result.output
    html = result.html(*PETS)
    assert 'id="api-post-pets"' in html and "guidebook-api-fields" in html


def test_a_schema_default_that_breaks_its_schema_is_an_example_warning(
    copy_root: Callable[[str], Path], tmp_path: Path,
) -> None:
    source = edited_constructs(copy_root, ("schema: {type: integer, minimum: 1}",
                                           "schema: {type: integer, minimum: 1, default: '12'}"))
    path = source / SPEC
    result = build_source(source, tmp_path / "out")
    assert result.status == 0, result.output  # a warning, not a refusal
    line = line_of(path, "default: '12'")
    assert (f"{path}:{line}: WARNING: the schema's default '12' is not of type 'integer' "
            "[guidebook.openapi-example]") in warnings(result)
    strict = build_source(source, tmp_path / "strict", strict=True)
    assert strict.status != 0


@pytest.mark.parametrize(("markdown", "rst"), [
    # Hard line breaks would become raw HTML: soft ones.
    ("one  \ntwo\\\nthree", "one\ntwo\nthree"),
    # Headings cannot sit inside an operation: bold lines.
    ("## Example\n\ntext", "**Example**\n\ntext"),
    # A literal glued to a word needs an escaped space in reStructuredText.
    ("user `login`s and a`b`", "user ``login``\\ s and a\\ ``b``"),
    # Links with code, and links to a fragment of the page the text was written for.
    ("[`GET /a`](https://x.example/a) and [there](#somewhere)",
     "`GET /a <https://x.example/a>`__ and there"),
    # Inline HTML of API descriptions becomes Markdown; an autolink stays one.
    ("<b>bold</b>, <code>c</code>, <a href=\"https://x.example\">x</a>, <https://y.example>",
     "**bold**, ``c``, `x <https://x.example>`__, `https://y.example <https://y.example>`__"),
])
def test_markdown_is_made_valid_restructuredtext(markdown: str, rst: str) -> None:
    from guidebook.openapi.markup import markdown_to_rst

    converted, unknown = markdown_to_rst(markdown)
    assert converted.strip() == rst and unknown == []


def test_placeholders_in_angle_brackets_are_text_and_html_tags_are_reported() -> None:
    from guidebook.openapi.markup import markdown_to_rst

    converted, unknown = markdown_to_rst("Use <branch name> or <NUM>, never <script>x</script>.")
    assert unknown == ["<script>", "</script>"]
    assert "<branch name>" in converted and "<NUM>" in converted
