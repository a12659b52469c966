"""API descriptions as their publishers ship them (issue 23).

The ``openapi-wild`` root holds several specs, each written the way a real publisher writes
it: openstack/codegenerator's ``x-openstack`` microversions, ... Each is built once (a
module-scoped build) and the tests assert its HTML and its exact ``path:line:`` warnings.
"""

from __future__ import annotations

import html as html_module
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import BuildResult, build_source
from tests.test_openapi_specs import rows, section

ROOT = Path(__file__).parent / "roots" / "test-openapi-wild"
COMPUTE = ("api-ref", "api-ref/compute/servers")


@pytest.fixture(scope="module")
def wild(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    source = tmp_path_factory.mktemp("wild") / "src"
    shutil.copytree(ROOT, source)
    return build_source(source, source.parent / "out")


def test_builds_without_internal_error(wild: BuildResult) -> None:
    assert wild.status == 0, wild.output
    assert "Traceback" not in wild.output and "internal error" not in wild.output


# -- x-openstack microversions ---------------------------------------------------------


def test_openstack_microversions_of_operations(wild: BuildResult) -> None:
    html = wild.html(*COMPUTE)
    create = section(html, "api-post-servers")
    assert '<p class="guidebook-api-versions">New in 2.1.</p>' in create
    action = section(html, "api-post-servers-server-id-action")
    # 2.10 is a microversion, not the float 2.1: shown as written.
    assert '<p class="guidebook-api-versions">New in 2.10. Until 2.99.</p>' in action


def test_openstack_microversions_of_fields_and_branches(wild: BuildResult) -> None:
    html = wild.html(*COMPUTE)
    create = rows(section(html, "api-post-servers"))
    assert create["with_count"][-1] == "Whether to count. New in 2.45."
    assert create["server.hostname"][-1] == "The hostname. New in 2.90."
    assert create["server.personality"][-1] == "Files to inject. Until 2.56."
    assert create["server.name"][-1] == "The name."
    action = rows(section(html, "api-post-servers-server-id-action"))
    assert action["lock"][-1] == "In lock (new in 2.73)."
    assert action["pause"][-1] == "Pause the server. In pause."


# -- render, don't refuse: each problem located, in the author's terms ------------------


def spec_line(wild: BuildResult, name: str, text: str, start: int = 1) -> str:
    """``path:line`` of the first line at or after *start* of spec *name* holding *text*."""
    path = wild.source / "api-ref" / name
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if number >= start and text in line:
            return f"{path}:{number}"
    raise AssertionError(f"{text!r} not in {path}")


def test_schema_problems_are_located_warnings_in_the_authors_terms(wild: BuildResult) -> None:
    invalid, example = "[guidebook.openapi-invalid]", "[guidebook.openapi-example]"
    shipping, ledger = "shipping.yaml", "ledger.yaml"
    null_type = '{type: "null"}'
    expected = [
        f"{spec_line(wild, ledger, 'exclusiveMinimum: true')}: WARNING: exclusiveMinimum: "
        "true is OpenAPI 3.0; in 3.1 exclusiveMinimum is the number itself (write "
        f"exclusiveMinimum: <the minimum> in place of minimum) {invalid}",
        f"{spec_line(wild, shipping, 'info:')}: WARNING: info has no version: write "
        f'version: <the API\'s version, such as "1.0"> {invalid}',
        f"{spec_line(wild, shipping, 'required: [items, cursor]')}: WARNING: required "
        "names 'cursor', which this object's properties do not define (add the property, or "
        f"remove the name) {invalid}",
        # The response is used again through a YAML alias: reported at the alias.
        f"{spec_line(wild, shipping, '*shipments')}: WARNING: required names 'cursor', "
        "which this object's properties do not define (add the property, or remove the "
        f"name) {invalid}",
        f"{spec_line(wild, shipping, 'schema: null')}: WARNING: schema: null is not a "
        f"schema: write the schema, or leave schema out if the body has none {invalid}",
        f"{spec_line(wild, shipping, null_type)}: WARNING: type: 'null' is OpenAPI "
        "3.1; in 3.0 write nullable: true on the schema that may be null (shown as null "
        f"here) {invalid}",
        # A default's problem at its own line, and at the alias that repeats it.
        f"{spec_line(wild, shipping, 'default: 5')}: WARNING: GET /shipments: the schema's "
        f"default 5 is less than the minimum of 10 {example}",
        f"{spec_line(wild, shipping, '- *limit')}: WARNING: GET /shipments/recent: the "
        f"schema's default 5 is less than the minimum of 10 {example}",
        # Swagger 2.0: checked as written, at the lines of the file.
        f"{spec_line(wild, 'identity.yaml', 'bogus: 3')}: WARNING: invalid Swagger 2.0: "
        f"'bogus' is not a field here (a field of your own must start with x-) {invalid}",
        f"{spec_line(wild, 'identity.yaml', 'application/json: {name: ann')}: WARNING: "
        "POST /users: example 'example' of the response 201 (application/json) does not "
        f"match its schema: 'many' is not of type 'integer' (at age) {example}",
    ]
    found = [line.rpartition("... ")[2] for line in wild.warnings() if "/api-ref/" in line]
    assert sorted(found) == sorted(expected), "\n".join(found)


def test_a_spec_with_problems_renders_everything_else(wild: BuildResult) -> None:
    html = wild.html("api-ref", "api-ref/shipping/shipments")
    listing = section(html, "api-get-shipments")
    assert '<section class="guidebook-api-operation" id="api-get-shipments-recent">' in html
    assert "Response 404 Not Found" in listing
    # anyOf [number, null]: the number's type, description, bounds and default.
    weight = rows(listing)["items[].weight"]
    assert weight == ["number, nullable", "no", "The weight in kg. Default: 1 . Minimum 0."]
    ledger = wild.html("api-ref", "api-ref/ledger/entries")
    assert 'id="api-get-entries"' in ledger


def test_a_strict_build_fails_on_the_problems(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    result = build_source(source, tmp_path / "out", strict=True)
    assert result.status != 0
    assert "guidebook.openapi-invalid" in result.output and "Traceback" not in result.output


# -- YAML as real specs write it; spec text is text --------------------------------------


def test_yaml_aliases_dates_and_refs_in_examples_are_data(wild: BuildResult) -> None:
    html = wild.html("api-ref", "api-ref/shipping/shipments")
    recent = section(html, "api-get-shipments-recent")
    # The aliased response and parameter are rendered in full.
    assert rows(recent)["limit"][:3] == ["query", "integer", "no"]
    assert "items[].shipped" in rows(recent)
    # The unquoted date is shown as written; the $ref inside the example is data.
    text = html_module.unescape(" ".join(re.sub(r"<[^>]+>", "", recent).split()))
    assert '"shipped": "2024-01-31"' in text
    assert '"link": { "$ref": "#/nowhere" }' in text


def test_restructuredtext_specials_in_spec_text_are_text(wild: BuildResult) -> None:
    html = section(wild.html("api-ref", "api-ref/shipping/shipments"), "api-get-shipments")
    assert "<p>Tokens such as &lt;|endoftext|&gt; and |carrier| are text, not markup.</p>" \
        in html
    assert "Undefined substitution" not in wild.output


# -- Swagger 2.0 ------------------------------------------------------------------------


def test_swagger_2_is_rendered_like_openapi_3(wild: BuildResult) -> None:
    html = wild.html("api-ref", "api-ref/identity/users")
    create = section(html, "api-post-users")
    # The body parameter is the request body; definitions are components; produces.
    assert "Request body</p>" in create and "The user to create." in create
    assert rows(create)["name"] == ["string", "yes", "The login name."]
    assert rows(create)["age"] == ["integer, nullable", "no", ""]  # x-nullable
    assert rows(create)["Location"] == ["string", "Where the user is."]
    assert '<em>application/json</em>' in create
    assert '"many"' in create  # the response example, per media type
    avatar = section(html, "api-put-users-user-id-avatar")
    # formData parameters: one multipart/form-data object; a file is binary.
    assert '<em>multipart/form-data</em>' in avatar
    assert rows(avatar)["image"] == ["string (binary)", "yes", "The picture."]
    assert rows(avatar)["caption"] == ["string", "no", "Max length 80."]
    assert rows(avatar)["user_id"] == ["path", "string (uuid)", "yes", ""]
    assert rows(avatar)["size"] == ["query", "integer", "no", "Minimum 1."]


# -- several specs, each paged into its own folder ----------------------------------------


def test_every_spec_a_page_names_is_paged_into_its_own_folder(wild: BuildResult) -> None:
    for spec, groups in (("compute", ["servers"]), ("shipping", ["shipments"]),
                         ("ledger", ["entries"]), ("identity", ["users"])):
        index = wild.html("api-ref", f"api-ref/{spec}")
        for group in groups:
            assert f'href="{spec}/{group}.html"' in index, spec
            page = wild.html("api-ref", f"api-ref/{spec}/{group}")
            assert '<section class="guidebook-api-operation"' in page
    # Both specs have POST /users, each on its own page, with its own anchor.
    assert 'id="api-post-users"' in wild.html("api-ref", "api-ref/identity/users")
    assert 'id="api-post-users"' in wild.html("api-ref", "api-ref/ledger/entries")


def test_api_links_can_name_the_spec(wild: BuildResult) -> None:
    page = wild.html("user", "user/index")
    assert 'href="../api-ref/compute/servers.html#api-post-servers"' in page
    assert 'href="../api-ref/identity/users.html#api-post-users" title="Create a user"' in page
    assert 'href="../api-ref/ledger/entries.html#api-post-users" title="Add a ledger user"' \
        in page
    index = wild.source / "user" / "index.rst"
    assert sorted(line.rpartition("... ")[2] for line in wild.warnings()
                  if "/user/" in line) == sorted([
        f"{index}:7: WARNING: POST /users is in several specs (identity, ledger): name one, "
        "as in :api:`identity:POST /users` [guidebook.openapi-unknown-operation]",
        f"{index}:9: WARNING: unknown API operation 'billing:GET /invoices': no spec named "
        "'billing' (specs: catalog, compute, identity, ledger, shipping) "
        "[guidebook.openapi-unknown-operation]",
    ])


def test_a_multi_paragraph_markdown_summary_titles_by_its_first_paragraph(
    wild: BuildResult,
) -> None:
    html = section(wild.html("api-ref", "api-ref/shipping/shipments"),
                   "api-get-shipments-recent")
    assert '<h2>List recent shipments<a class="headerlink"' in html
    assert "Only the last week" in html.split("</h2>")[1].split("Parameters")[0]


# -- reading quality: names, Markdown tables, large bodies, scrolling ----------------------


CATALOG = "api-ref/catalog"


def test_a_schema_name_is_printed_once(wild: BuildResult) -> None:
    # directus writes ``data: {anyOf: [{$ref: Versions}]}``: "object (Versions)", once.
    fields = rows(section(wild.html("api-ref", f"{CATALOG}/versions"), "api-post-versions"))
    assert fields["data"] == ["object (Version)", "no", ""]
    assert fields["data.id"] == ["string", "no", "In Version."]


def test_a_percent_encoded_reference_is_followed(wild: BuildResult) -> None:
    assert not [line for line in wild.warnings() if "catalog.yaml" in line]
    html = section(wild.html("api-ref", f"{CATALOG}/versions"), "api-delete-versions-id")
    assert rows(html)["id"] == ["path", "string", "yes", ""]
    assert "<p>The version.</p>" in html
    assert "Fields of Version: as listed for" in html  # the GET's table, on the same page


def test_an_empty_default_is_shown_quoted(wild: BuildResult) -> None:
    fields = rows(section(wild.html("api-ref", f"{CATALOG}/versions"), "api-post-versions"))
    assert fields["label"] == ["query", "string", "no", "Default: &quot;&quot; ."]


def test_a_markdown_table_with_leading_pipes_only_keeps_its_columns(wild: BuildResult) -> None:
    html = section(wild.html("api-ref", f"{CATALOG}/versions"), "api-post-versions")
    table = html[html.index("<p>Sizes the catalog accepts:</p>"):html.index("Parameters")]
    assert re.findall(r"<th class=\"head\"><p>(.*?)</p></th>", table) == ["Size", "Bytes"]
    assert rows(table) == {"small": ["1024"], "large": ["1048576 (1 MiB)"], "huge": [""]}
    assert "<td></td>\n<td>" not in table  # no empty first column


def test_a_large_body_shows_nested_objects_collapsed(wild: BuildResult) -> None:
    html = section(wild.html("api-ref", f"{CATALOG}/repositories"), "api-post-repositories")
    base = "api-fields-components-schemas-repository"
    top = html[:html.index("<details")]
    assert len(rows(top)) == 19  # the top-level fields only, of 36
    assert rows(top)["owner"] == ["object (Account)", "no", "5 nested fields: see owner below."]
    assert f'href="#{base}-owner"><code class="docutils literal notranslate">' in top
    assert rows(top)["template_repository"][-1] == (
        "The repository this one was made from. 9 nested fields: see template_repository "
        "below.")
    # Each object's fields in a closed <details>, nested as the objects are.
    outline = re.findall(r'<details class="guidebook-api-fields-more" id="([^"]+)">\n'
                         r'<summary>Fields of <code[^>]*><span class="pre">([^<]+)</span>'
                         r'</code> \((\d+)\)</summary>|(</details>)', html.replace("<wbr>", ""))
    assert [found[3] or f"{found[0].removeprefix(base)} {found[1]} {found[2]}"
            for found in outline] == [
        "-owner owner 5", "</details>",
        "-license license 3", "</details>",
        "-template-repository template_repository 9",
        "-template-repository-owner template_repository.owner 5", "</details>",
        "-template-repository-security-and-analysis-configuration-for-advanced-security-"
        "secret-scanning template_repository.security_and_analysis_configuration_for_advanced_"
        "security_secret_scanning 1", "</details>",
        "</details>",
    ]
    nested = html[html.index(f'id="{base}-template-repository-owner"'):]
    assert rows(nested)["template_repository.owner.login"] == [
        "string", "no", "The account\u2019s login."]


def test_a_long_field_name_may_break_at_its_dots_and_underscores(wild: BuildResult) -> None:
    html = wild.html("api-ref", f"{CATALOG}/repositories")
    assert ('<td><p><code class="docutils literal notranslate"><span class="pre">'
            "template_<wbr>repository.<wbr>owner.<wbr>site_<wbr>admin</span></code></p></td>"
            ) in html


def test_an_api_table_scrolls_in_a_named_focusable_region(wild: BuildResult) -> None:
    html = section(wild.html("api-ref", f"{CATALOG}/versions"), "api-post-versions")
    assert re.findall(r'<div aria-label="([^"]+)" class="guidebook-api-scroll" '
                      r'role="region" tabindex="0">\n<table class="guidebook-api-table '
                      r'guidebook-api-(\w+)', html) == [
        ("Parameters", "parameters"), ("Fields of the request", "fields")]
    repositories = wild.html("api-ref", f"{CATALOG}/repositories")
    assert '<div aria-label="Fields of Repository" class="guidebook-api-scroll" role="region" ' \
        'tabindex="0">' in repositories
