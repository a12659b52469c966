"""The API reference: rendered from an OpenAPI spec, checked, linked from guides with ``:api:``."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from guidebook.openapi.bundle import load_spec
from guidebook.openapi.examples import check_examples
from guidebook.openapi.sanitize import is_safe_uri
from guidebook.openapi.spec import operation_anchor
from tests.conftest import Builder, BuildResult, build_source

API = ("api-ref", "api-ref/index")
IMAGES = ("api-ref", "api-ref/operations/images")
ADMIN = ("api-ref", "api-ref/operations/admin-actions")
SPEC = "api-ref/openapi.yaml"


def line_of(path: Path, text: str, start: int = 1) -> int:
    """The 1-based line of the first line at or after *start* that contains *text*."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if number >= start and text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def warnings(result: BuildResult) -> list[str]:
    """The warnings, without a progress message Sphinx printed on the same line."""
    return [line.rpartition("... ")[2] if "... /" in line else line
            for line in result.warnings()]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


@pytest.fixture
def edited(copy_root: Callable[[str], Path], tmp_path: Path) -> Callable[..., BuildResult]:
    """Copy a root, apply ``{relpath: (old, new)}`` edits, build it."""

    def build(name: str, edits: dict[str, tuple[str, str]], strict: bool = False) -> BuildResult:
        source = copy_root(name)
        for relpath, (old, new) in edits.items():
            edit(source / relpath, old, new)
        return build_source(source, tmp_path / "out", strict=strict)

    return build


# -- rendering --------------------------------------------------------------------------------


def test_small_spec_builds_strict_with_one_page_per_tag(build_root: Builder) -> None:
    result = build_root("openapi", strict=True)
    assert result.status == 0, result.output
    assert result.warnings() == []
    images, admin = result.html(*IMAGES), result.html(*ADMIN)
    for anchor in ("api-get-v2-images", "api-get-v2-images-image-id"):
        assert images.count(f'id="{anchor}"') == 1, anchor
    assert admin.count('id="api-post-v2-images-image-id-actions-deactivate"') == 1
    assert 'id="api-post-v2-images-image-id-actions-deactivate"' not in images
    # Each page is titled by its tag and carries the tag's description.
    assert "<h1>Images" in images and "<h1>Admin actions" in admin
    assert "Operations for administrators." in admin
    # Each operation is a section titled by its summary, with httpdomain's signature.
    assert re.search(r'<section class="guidebook-api-operation" id="api-get-v2-images">'
                     r'\s*<h2>List images', images)
    assert '<dt class="sig sig-object http" id="get--v2-images">' in images
    # The root page lists the tag pages, in the order of the spec's tags.
    index = result.html(*API)
    assert index.index('href="operations/images.html"') < index.index(
        'href="operations/admin-actions.html"')
    assert "guidebook: openapi.yaml: 4 operations, 7 examples checked" in result.output


def test_tag_pages_are_in_the_navigation_and_search_index(build_root: Builder) -> None:
    result = build_root("openapi")
    images = result.html(*IMAGES)
    # The part's sidebar navigation lists both tag pages.
    assert 'href="../operations/admin-actions.html">Admin actions</a>' in images
    index = result.searchindex("api-ref")
    docnames = index["docnames"]
    assert "operations/images" in docnames
    titles = index["alltitles"]
    page = docnames.index("operations/images")
    assert [page, "api-get-v2-images"] in titles["List images"]


def test_generated_pages_are_kept_when_unchanged_and_removed_when_stale(
    copy_root: Callable[[str], Path], tmp_path: Path,
) -> None:
    source = copy_root("openapi")
    result = build_source(source, tmp_path / "out")
    assert result.status == 0, result.output
    folder = source / "api-ref" / "operations"
    page = folder / "admin-actions.rst"
    first = page.stat().st_mtime_ns
    (folder / "mine.rst").write_text("Mine\n====\n")  # not generated: never removed
    edit(source / SPEC, "tags: [Admin actions]", "tags: [Images]")
    result = build_source(source, tmp_path / "out2")
    assert result.status == 0, result.output
    assert not page.exists() and (folder / "mine.rst").exists()
    assert (folder / "images.rst").stat().st_mtime_ns > 0 and first > 0
    assert 'id="api-post-v2-images-image-id-actions-deactivate"' in result.html(*IMAGES)


def test_x_audience_is_shown_on_the_operation(build_root: Builder) -> None:
    html = build_root("openapi").html(*ADMIN)
    deactivate = html[html.index('id="api-post-v2-images-image-id-actions-deactivate"'):]
    assert re.search(
        r'<p class="guidebook-api-audience"><strong>Audience:</strong> Admin guide \(admin\)</p>',
        deactivate)
    assert html.count("guidebook-api-audience") == 1


def test_named_example_is_rendered(build_root: Builder) -> None:
    html = build_root("openapi").html(*IMAGES)
    assert "0a7e1d4c-3f2b-4d55-8e6a-7b9c1d2e3f40" in html


def test_every_named_request_example_is_shown(build_root: Builder) -> None:
    html = build_root("openapi").html(*IMAGES)
    start = html.index('id="api-post-v2-images"')
    create = html[start:html.index('id="api-get-v2-images-image-id"')]
    assert "<strong>Example request: minimal</strong> — Only an ID" in create
    assert "<strong>Example request: named</strong> — An ID and a name" in create
    assert "debian" in create


def test_openapi_30_and_31_specs_both_build(build_root: Builder) -> None:
    result = build_root("openapi30", strict=True)
    assert result.status == 0, result.output
    # A spec that tags nothing is paged by path, not put on one "Other operations" page.
    page = result.html("api-ref", "api-ref/operations/images")
    assert "<h1>images" in page
    assert not result.exists("api-ref", "api-ref/operations/other")
    assert 'id="api-put-v2-images-image-id-tags-tag"' in page
    assert ('href="../api-ref/operations/images.html#api-put-v2-images-image-id-tags-tag"'
            in result.html("user", "user/index"))


def test_operations_are_in_the_api_reference_inventory(build_root: Builder) -> None:
    inventory = build_root("openapi").inventory("api-ref")
    assert ("GET /v2/images guidebook-api:operation 1 "
            "operations/images.html#api-get-v2-images -" in inventory)


# -- :api: links ------------------------------------------------------------------------------


def test_api_role_links_to_the_operation_anchor(build_root: Builder) -> None:
    result = build_root("openapi")
    user = result.html("user", "user/index")
    assert re.search(
        r'<a class="reference internal" '
        r'href="../api-ref/operations/images.html#api-get-v2-images"'
        r' title="List images"><code class="xref guidebook-api guidebook-api-operation '
        r'docutils literal notranslate"><span class="pre">GET</span> '
        r'<span class="pre">/v2/images</span></code></a>', user)
    # An explicit title replaces the operation's name.
    assert re.search(r'href="../api-ref/operations/images.html'
                     r'#api-get-v2-images-image-id"[^>]*><code[^>]*>'
                     r'<span class="pre">the</span>', user)
    admin = result.html("admin", "admin/index")
    assert 'admin-actions.html#api-post-v2-images-image-id-actions-deactivate"' in admin


def test_unknown_operation_warns_at_the_link(edited: Callable[..., BuildResult]) -> None:
    result = edited("openapi", {"user/index.rst": (
        "List your images", "Missing: :api:`GET /v2/imagez`.\n\nList your images")})
    page = result.source / "user/index.rst"
    line = line_of(page, "Missing:")
    assert (f"{page}:{line}: WARNING: unknown API operation 'GET /v2/imagez' (did you mean "
            "'GET /v2/images'?) [guidebook.openapi-unknown-operation]") in warnings(result)
    assert "Traceback" not in result.output
    # Unresolved, the text stays in the page without a link.
    assert '<span class="pre">/v2/imagez</span>' in result.html("user", "user/index")


def test_user_page_linking_an_admin_operation_warns(edited: Callable[..., BuildResult]) -> None:
    result = edited("openapi", {"user/index.rst": (
        "List your images",
        "Admins use\n:api:`POST /v2/images/{image_id}/actions/deactivate`.\n\nList your images")})
    page = result.source / "user/index.rst"
    line = line_of(page, ":api:`POST")
    assert (
        f"{page}:{line}: WARNING: POST /v2/images/{{image_id}}/actions/deactivate is for admin "
        "(x-audience), but this link is shown in user (put it in an '.. audience:: admin' "
        "block, or link to another operation) [guidebook.openapi-audience]"
    ) in warnings(result)


def test_operator_block_linking_an_admin_operation_warns(
    edited: Callable[..., BuildResult],
) -> None:
    # admin/index.rst is in the operator and admin guides; the link inside an operator-only
    # block is shown to operators only.
    result = edited("openapi", {"admin/index.rst": (".. audience:: admin",
                                                    ".. audience:: operator")})
    page = result.source / "admin/index.rst"
    line = line_of(page, ":api:`POST")
    assert any(w.startswith(f"{page}:{line}: WARNING: POST /v2/images/{{image_id}}/actions/"
                            "deactivate is for admin (x-audience), but this link is shown in "
                            "operator") for w in warnings(result)), result.output


def test_unknown_x_audience_name_warns(edited: Callable[..., BuildResult]) -> None:
    result = edited("openapi", {SPEC: ("x-audience: [admin]", "x-audience: [wizards]")})
    spec = result.source / SPEC
    assert (f"{spec}:{line_of(spec, 'x-audience')}: WARNING: POST /v2/images/{{image_id}}/"
            "actions/deactivate: unknown audience 'wizards' in x-audience (known: admin, "
            "operator, user) [guidebook.openapi-audience]") in warnings(result)


# -- checking the spec ------------------------------------------------------------------------


def test_example_breaking_its_schema_is_reported_with_line_operation_and_name(
    edited: Callable[..., BuildResult],
) -> None:
    result = edited("openapi", {SPEC: ("                        size: null",
                                       "                        size: -5")})
    spec = result.source / SPEC
    line = line_of(spec, "size: -5")
    assert (f"{spec}:{line}: WARNING: GET /v2/images: example 'two-images' of the response 200 "
            "(application/json) does not match its schema: -5 is less than the minimum of 0 "
            "(at images[1].size) [guidebook.openapi-example]") in warnings(result)
    assert result.status == 0  # a warning; --strict makes it fatal


def test_bad_single_example_fails_a_strict_build(edited: Callable[..., BuildResult]) -> None:
    result = edited("openapi", {SPEC: ("      example: 6f5e7c3a-8b0d-4a47-9a59-0c3c2f1e4d11",
                                       "      example: not-a-uuid")}, strict=True)
    spec = result.source / SPEC
    line = line_of(spec, "example: not-a-uuid")
    # The parameter is shared by two operations: each reports it.
    for key in ("GET /v2/images/{image_id}", "POST /v2/images/{image_id}/actions/deactivate"):
        assert (f"{spec}:{line}: WARNING: {key}: example 'example' of the path parameter "
                "'image_id' does not match its schema: 'not-a-uuid' is not a 'uuid' "
                "[guidebook.openapi-example]") in warnings(result)
    assert result.status == 1
    assert not (result.out / "index.html").exists()


def test_yaml_error_stops_the_build_with_a_clear_message(
    edited: Callable[..., BuildResult],
) -> None:
    result = edited("openapi", {SPEC: ("  title: Test images API", "  title: [unclosed")})
    spec = result.source / SPEC
    assert result.status != 0
    assert "Traceback" not in result.output
    assert re.search(rf"guidebook: error: {re.escape(str(spec))}:\d+: not valid YAML: ",
                     result.output), result.output
    assert "the API reference cannot be built" in result.output


def test_invalid_spec_renders_with_its_problem_located(
    edited: Callable[..., BuildResult], tmp_path: Path,
) -> None:
    edits = {SPEC: ('        "404":\n', '        "40x":\n')}
    result = edited("openapi", edits)
    spec = result.source / SPEC
    line = line_of(spec, '"40x"')
    assert result.status == 0, result.output  # rendered, as Redoc would
    assert "Traceback" not in result.output
    assert any(w.startswith(f"{spec}:{line}: WARNING: invalid OpenAPI 3.1.0: ")
               and w.endswith("[guidebook.openapi-invalid]")
               for w in warnings(result)), result.output
    assert 'id="api-get-v2-images"' in result.html(*IMAGES)
    strict = build_source(result.source, tmp_path / "strict", strict=True)
    assert strict.status != 0 and "Traceback" not in strict.output


def test_unsupported_version_is_refused(edited: Callable[..., BuildResult]) -> None:
    result = edited("openapi", {SPEC: ("openapi: 3.1.0", "openapi: 2.5.0")})
    spec = result.source / SPEC
    assert (f"{spec}:1: WARNING: unsupported OpenAPI version ('2.5.0'); use 3.0.x or 3.1.x "
            "(or Swagger 2.0); the spec is rendered as 3.0 [guidebook.openapi-invalid]"
            ) in warnings(result)
    assert result.status == 0 and "Traceback" not in result.output


def test_yaml_alias_bombs_are_refused_at_their_line(
    edited: Callable[..., BuildResult],
) -> None:
    bomb = ["x-a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"x-a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]" for level in range(1, 8)]
    result = edited("openapi", {SPEC: ("  version: \"2.0\"\n",
                                       "  version: \"2.0\"\n" + "\n".join(bomb) + "\n")})
    spec = result.source / SPEC
    assert result.status != 0 and "Traceback" not in result.output
    assert re.search(rf"{re.escape(str(spec))}:\d+: not valid YAML: YAML aliases expand to "
                     r"more than 1,000,000 values \(nested aliases that multiply: an alias "
                     r"bomb\?\)", result.output), result.output


def test_recursive_schema_is_checked_and_rendered(tmp_path: Path) -> None:
    spec_path = tmp_path / "spec.yaml"
    spec_path.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /tree:\n    get:\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n"
        "            application/json:\n              schema: {$ref: '#/components/schemas/N'}\n"
        "              example: {name: a, kids: [{name: b, kids: [{name: 3}]}]}\n"
        "components:\n  schemas:\n    N:\n      type: object\n"
        "      properties:\n        name: {type: string}\n"
        "        kids: {type: array, items: {$ref: '#/components/schemas/N'}}\n")
    spec = load_spec(spec_path)
    problems, count = check_examples(spec)
    assert count == 1
    assert [spec.line_of(p.pointer) for p in problems] == [12]
    assert "3 is not of type 'string' (at kids[0].kids[0].name)" in problems[0].message


def test_anchor_depends_on_method_and_path_only() -> None:
    assert operation_anchor("get", "/") == "api-get"
    assert operation_anchor("delete", "/v2/stores/{store_id}/{image_id}") == \
        "api-delete-v2-stores-store-id-image-id"


# -- untrusted spec text ---------------------------------------------------------------------

HOSTILE_MD = (
    "      description: |\n"
    "        Hi <script>alert(1)</script>.\n"
    "\n"
    "        <img src=x onerror=alert(2)>\n"
    "\n"
    "        A [link](javascript:alert(3)).\n"
    "\n"
    "        [another](JaVa\tScRiPt:alert(4))\n"
    "\n"
    "        <div onclick=\"alert(5)\">block</div>\n"
)
HOSTILE_RST = (
    "      description: |\n"
    "        .. raw:: html\n"
    "\n"
    "           <script>alert(1)</script><img src=x onerror=alert(2)>\n"
    "\n"
    "        A `link <javascript:alert(3)>`_ and :raw-html:`<b onmouseover=alert(4)>x</b>`.\n"
    "\n"
    "        .. include:: /etc/hostname\n"
)


def _assert_inert(result: BuildResult) -> None:
    for path in (result.out / "api-ref").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        lowered = html.lower()
        assert "<script>alert" not in lowered, path
        assert not re.search(r"<[^>]*\son\w+\s*=", lowered.split("<body")[1]), path
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*java""", lowered), path
        assert "<div onclick" not in lowered and "<b onmouseover" not in lowered, path


def test_hostile_markdown_description_is_inert(edited: Callable[..., BuildResult]) -> None:
    result = edited("openapi", {SPEC: (
        "      description: Returns the images the caller can see, one page at a time.\n",
        HOSTILE_MD)})
    _assert_inert(result)
    html = result.html(*IMAGES)
    assert "&lt;script&gt;" in html  # shown as text, not dropped silently
    spec = result.source / SPEC
    line = line_of(spec, "description: |")
    assert (f"{spec}:{line}: WARNING: GET /v2/images: link to 'javascript:alert(3)' removed "
            "(unsafe URL scheme) [guidebook.openapi-unsafe-markup]") in warnings(result)


def test_hostile_rst_description_is_inert(edited: Callable[..., BuildResult]) -> None:
    result = edited("openapi", {
        SPEC: ("      description: Returns the images the caller can see, one page at a time.\n",
               HOSTILE_RST),
        "conf.py": ('html_theme = "alabaster"',
                    'html_theme = "alabaster"\nguidebook_openapi_markup = "restructuredtext"\n'
                    'rst_prolog = ".. role:: raw-html(raw)\\n   :format: html\\n"'),
    })
    _assert_inert(result)
    assert "Traceback" not in result.output
    spec = result.source / SPEC
    line = line_of(spec, "description: |")
    # The include is refused; the description is shown as the text it is.
    assert (f"{spec}:{line}: WARNING: GET /v2/images: description shown as text: not valid "
            'reStructuredText ("include" directive disabled.) '
            "[guidebook.openapi-markup]") in warnings(result)
    assert "/etc/hostname" in result.html(*IMAGES)


@pytest.mark.parametrize(("uri", "safe"), [
    ("https://example.org/x", True), ("mailto:a@example.org", True), ("../index.html", True),
    ("#anchor", True), ("javascript:alert(1)", False), (" JavaScript:x", False),
    ("java\tscript:x", False), ("data:text/html,x", False), ("vbscript:x", False),
])
def test_url_schemes(uri: str, safe: bool) -> None:
    assert is_safe_uri(uri) is safe


def test_dangling_and_external_refs_are_reported_at_their_line(
    edited: Callable[..., BuildResult],
) -> None:
    result = edited("openapi", {SPEC: ('                $ref: "#/components/schemas/ImageList"',
                                       '                $ref: "other.yaml#/ImageList"')})
    spec = result.source / SPEC
    line = line_of(spec, "other.yaml")
    assert (f"{spec}:{line}: WARNING: $ref 'other.yaml#/ImageList': no file 'other.yaml' in "
            "the spec's folder [guidebook.openapi-invalid]") in warnings(result)
    assert result.status == 0 and "Traceback" not in result.output


@pytest.mark.parametrize(("ref", "message"), [
    ("https://example.org/images.yaml#/ImageList",
     "URLs are not followed (the build never fetches what a spec points to); copy the "
     "document into the spec's folder"),
    ("../user/index.rst#/ImageList", "only files inside the spec's folder ({folder}) are read"),
])
def test_references_leaving_the_spec_folder_are_not_followed(
    edited: Callable[..., BuildResult], ref: str, message: str,
) -> None:
    result = edited("openapi", {SPEC: ('                $ref: "#/components/schemas/ImageList"',
                                       f'                $ref: "{ref}"')})
    spec = result.source / SPEC
    line = line_of(spec, ref)
    text = message.format(folder=spec.parent)
    assert (f"{spec}:{line}: WARNING: $ref {ref!r}: {text} [guidebook.openapi-invalid]"
            in warnings(result))
    assert result.status == 0 and "Traceback" not in result.output  # a warning: rendered
