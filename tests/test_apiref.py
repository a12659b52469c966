"""os-api-ref references: converted to OpenAPI (convert-api-ref), and built as they are."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from guidebook.apiref import Conversion, convert
from guidebook.cli import main
from tests.conftest import ROOTS, BuildResult, build_source

TREE = ROOTS / "test-osapiref" / "api-ref"


@pytest.fixture(scope="module")
def conversion() -> Conversion:
    return convert(TREE)


@pytest.fixture(scope="module")
def spec(conversion: Conversion) -> dict[str, Any]:
    return conversion.spec


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


# -- the conversion of our own tree ------------------------------------------------------------


def test_our_tree_converts_to_a_valid_spec_with_nothing_lost(conversion: Conversion) -> None:
    validate(conversion.spec)
    assert conversion.findings == []
    assert (conversion.calls, conversion.operations) == (5, 4)
    stats = conversion.stats
    assert stats["parameters_carried"] == stats["parameters"] == 24
    assert stats["samples_carried"] == stats["samples"] == 8
    assert stats["versioned_marked"] == stats["versioned"] == 3


def test_actions_become_one_operation_with_a_oneof_as_codegenerator_writes(
        spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/servers/{server_id}/action"]["post"]
    body = operation["requestBody"]["content"]["application/json"]
    assert body["schema"]["x-openstack"] == {"discriminator": "action"}
    refs = [item["$ref"].rpartition("/")[2] for item in body["schema"]["oneOf"]]
    schemas = spec["components"]["schemas"]
    assert [schemas[ref]["x-openstack"] for ref in refs] == [
        {"action-name": "reboot"}, {"action-name": "os-getRDPConsole", "max-ver": "2.5"}]
    reboot = schemas[refs[0]]
    assert reboot["title"] == "Reboot Server (reboot Action)"
    assert reboot["properties"]["reboot"]["properties"]["type"]["description"] == (
        "`SOFT` or `HARD`.")
    assert reboot["required"] == ["reboot"]
    assert list(body["examples"]) == ["reboot", "os-getRDPConsole"]
    assert "- `reboot`: Reboot Server (reboot Action)" in operation["description"]
    assert "`reboot`: If successful, this method does not return content" in (
        operation["responses"]["200"]["description"])


def test_parameters_bodies_and_microversions(spec: dict[str, Any]) -> None:
    listing = spec["paths"]["/servers"]["get"]
    locked, limit = (next(p for p in listing["parameters"] if p.get("name") == name)
                     for name in ("locked", "limit"))
    assert locked == {"name": "locked", "in": "query", "required": False,
                      "schema": {"type": "boolean"},
                      "description": "List only locked (`true`) or unlocked servers.",
                      "x-openstack": {"min-ver": "2.73"}}
    assert limit["schema"] == {"type": "integer"}
    assert {"$ref": "#/components/parameters/OpenStack-API-Version"} in listing["parameters"]
    header = spec["components"]["parameters"]["OpenStack-API-Version"]
    assert header["in"] == "header"
    ok = listing["responses"]["200"]
    assert ok["description"] == "Request was successful."
    assert listing["responses"]["403"]["description"] == (
        "Policy does not allow current user to do this operation.")
    assert ok["headers"]["X-Request-Id"]["schema"] == {"type": "string"}
    item = ok["content"]["application/json"]["schema"]["properties"]["servers"]["items"]
    assert item["properties"]["locked"]["x-openstack"] == {"min-ver": "2.10"}
    examples = ok["content"]["application/json"]["examples"]
    assert examples["servers-list-resp (v2.10)"]["x-openstack"] == {"min-ver": "2.10"}
    assert examples["servers-list-resp (v2.10)"]["summary"] == "Example List Servers (v2.10)"
    create = spec["paths"]["/servers"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["server"]["required"] == ["name", "flavorRef"]
    assert set(body["properties"]["server"]["properties"]) == {"name", "flavorRef", "metadata"}
    assert create["responses"]["409"]["description"] == "Conflict (conflict)"
    assert list(create["responses"]) == ["202", "400", "401", "409"]
    topology = spec["paths"]["/servers/{server_id}/topology"]["get"]
    assert topology["x-openstack"] == {"min-ver": "2.78"}
    assert spec["info"]["version"] == "2.78"


def test_prose_becomes_tag_and_info_descriptions(spec: dict[str, Any]) -> None:
    servers = next(tag for tag in spec["tags"] if tag["name"] == "Servers")
    assert servers["description"].startswith(
        "Lists, creates and shows servers. Access follows role-based access control; see "
        "Create Server for the body of a new server.")
    assert "> **Note:** A server's `status` changes while it builds." in servers["description"]
    assert "| `ACTIVE` | The server runs. |" in servers["description"]
    assert spec["info"]["description"] == (
        "This reference lists the calls of the test compute service. See "
        "[the API guide](https://docs.example.org/api-guide/) for concepts.")


def test_what_is_not_carried_over_is_reported_at_its_line(tmp_path: Path) -> None:
    shutil.copytree(TREE.parent, tmp_path / "src")
    tree = tmp_path / "src" / "api-ref"
    inc = tree / "servers.inc"
    text = inc.read_text()
    text = text.replace("  - limit: limit\n", "  - limit: limit_missing\n")
    text = text.replace("Lists the servers of the project, newest first.",
                        "Lists the |undefined| servers, see :unknownrole:`x`.")
    inc.write_text(text)
    (tmp_path / "src" / "samples" / "servers" / "server-topology-resp.json").write_text("{oops")
    (tree / "toc.rst").write_text("Other\n=====\n\n.. toctree::\n\n   index\n")
    findings = [str(finding).replace(str(tree) + "/", "") for finding in convert(tree).findings]
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "limit_missing" in t)
    prose = next(n for n, t in enumerate(text.splitlines(), 1) if "|undefined|" in t)
    sample = next(n for n, t in enumerate(text.splitlines(), 1)
                  if "server-topology-resp.json" in t)
    assert sorted(findings) == sorted([
        f"servers.inc:{line}: parameter-missing: limit: parameters.yaml has no key "
        "'limit_missing'",
        f'servers.inc:{prose}: markup: Unknown interpreted text role "unknownrole".',
        f'servers.inc:{prose}: markup: Undefined substitution referenced: "undefined".',
        f"servers.inc:{sample}: sample: sample server-topology-resp.json is not JSON "
        "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1)): "
        "carried as a text/plain example",
        "toc.rst:4: unplaced: 'toctree' is not carried over",
    ])


def test_cli_writes_refuses_to_overwrite_and_is_strict_on_findings(tmp_path: Path) -> None:
    out = tmp_path / "spec" / "openapi.yaml"
    status, stdout, _ = run_cli("convert-api-ref", str(TREE), "--out", str(out))
    assert status == 0
    assert "4 operations from 5 calls, 24/24 parameters, 8/8 samples" in stdout
    assert yaml.safe_load(out.read_text()) == convert(TREE).spec
    assert "&id" not in out.read_text()  # no YAML aliases: guidebook refuses them
    status, _, stderr = run_cli("convert-api-ref", str(TREE), "--out", str(out))
    assert (status, stderr.strip()) == (2, f"guidebook convert-api-ref: {out} exists (use "
                                           "--force to overwrite)")
    as_json = tmp_path / "openapi.json"
    assert run_cli("convert-api-ref", str(TREE), "-o", str(as_json), "--strict")[0] == 0
    assert json.loads(as_json.read_text())["openapi"] == "3.1.0"
    status, _, stderr = run_cli("convert-api-ref", str(tmp_path / "nowhere"), "-o",
                                str(tmp_path / "x.yaml"))
    assert status == 2 and "not a folder" in stderr


def test_strict_exits_1_on_a_finding(tmp_path: Path) -> None:
    shutil.copytree(TREE.parent, tmp_path / "src")
    inc = tmp_path / "src" / "api-ref" / "servers.inc"
    inc.write_text(inc.read_text().replace("- limit: limit\n", "- limit: nope\n"))
    status, _, stderr = run_cli("convert-api-ref", str(inc.parent), "-o",
                                str(tmp_path / "o.yaml"), "--strict")
    assert status == 1
    assert "parameter-missing: limit: parameters.yaml has no key 'nope'" in stderr


# -- builds: the converted spec rendered, and the os-api-ref tree as it is -----------------------


@pytest.fixture(scope="module")
def converted_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    source = tmp_path_factory.mktemp("converted") / "src"
    shutil.copytree(ROOTS / "test-apiref-converted", source)
    assert main(["convert-api-ref", str(TREE), "--out", str(source / "api-ref/openapi.yaml")]) == 0
    return build_source(source, source.parent / "out", strict=True)


@pytest.fixture(scope="module")
def os_api_ref_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    source = tmp_path_factory.mktemp("osapiref") / "src"
    shutil.copytree(ROOTS / "test-osapiref", source)
    return build_source(source, source.parent / "out", strict=True)


def test_converted_spec_builds_strict_with_actions_shown(converted_build: BuildResult) -> None:
    assert converted_build.status == 0, converted_build.output
    page = converted_build.html("api-ref", "api-ref/operations/servers-run-an-action-servers")
    assert "Run an action on Servers" in page
    assert "Reboot Server (reboot Action)" in page
    assert "os-getRDPConsole" in page
    listing = converted_build.html("api-ref", "api-ref/operations/servers")
    assert "Example List Servers (v2.10)" in listing


def test_each_action_body_is_listed_under_its_name(converted_build: BuildResult) -> None:
    page = converted_build.html("api-ref", "api-ref/operations/servers-run-an-action-servers")
    headings = re.findall(r'<p class="guidebook-api-action"><strong>Action </strong>'
                          r'<code[^>]*><span class="pre">([^<]+)</span></code>: ([^<]+)</p>',
                          page)
    assert headings == [("reboot", "Reboot Server (reboot Action)"),
                        ("os-getRDPConsole",
                         "Get RDP Console (os-getRDPConsole Action) (until 2.5)")]
    reboot, rdp = page.split('class="guidebook-api-action"')[1:3]
    assert "<span class=\"pre\">reboot.<wbr>type</span>" in reboot.split("<table")[1]
    assert "os-getRDPConsole.<wbr>type" in rdp.split("<table")[1]
    assert "os-getRDPConsole" not in reboot.split("<table")[1]


def test_a_codegenerator_spec_gets_the_same_conventions(converted_build: BuildResult) -> None:
    page = converted_build.html("api-ref", "api-ref/codegen")
    headings = re.findall(r'<p class="guidebook-api-action"><strong>Action </strong>'
                          r'<code[^>]*><span class="pre">([^<]+)</span></code>([^<]*)</p>', page)
    assert headings == [("os-extend", ""), ("revert", " (new in 3.40)")]
    assert page.count("The volume microversion, such as") == 1
    assert page.count("Selects the microversion, as explained under") == 1


def test_microversions_are_shown_on_operations_and_fields(
        converted_build: BuildResult) -> None:
    listing = converted_build.html("api-ref", "api-ref/operations/servers")
    topology = listing.split('id="api-get-servers-server-id-topology"')[1]
    assert "New in 2.78." in topology.split("</p>")[0] + topology.split("</p>")[1]
    locked = listing.split('<span class="pre">servers[].<wbr>locked</span>')[1].split("</tr>")[0]
    assert "New in 2.10." in locked
    query = listing.split('<span class="pre">locked</span>')[1].split("</tr>")[0]
    assert "New in 2.73." in query


def test_microversion_header_is_explained_once_per_page(converted_build: BuildResult) -> None:
    listing = converted_build.html("api-ref", "api-ref/operations/servers")
    explained = "The microversion the call is made at"
    assert listing.count(explained) == 1
    assert listing.count("Selects the microversion, as explained under") == 2
    assert '<a class="reference internal" href="#api-microversion-header">List Servers</a>' in (
        listing)
    actions = converted_build.html("api-ref", "api-ref/operations/servers-run-an-action-servers")
    assert actions.count(explained) == 1


def test_os_api_ref_part_builds_with_its_css_and_js(os_api_ref_build: BuildResult) -> None:
    assert os_api_ref_build.status == 0, os_api_ref_build.output
    page = os_api_ref_build.html("api-ref", "api-ref/index")
    assert '<span class="badge label-GET">GET</span>' in page
    assert 'href="../_static/api-site.css' in page
    assert 'src="../_static/api-site.js' in page
    static = os_api_ref_build.out / "_static"
    assert (static / "api-site.css").read_text().startswith(
        (Path(__import__("os_api_ref").__file__).parent / "assets/api-site.css").read_text()[:200])
    assert (static / "fonts" / "glyphicons-halflings-regular.woff").stat().st_size > 0
    # The samples came from outside the part's folder (../samples/...): shown.
    assert "rdp.example.org" in page


def test_os_api_ref_samples_outside_the_source_folder_are_published(tmp_path: Path) -> None:
    # Nova's layout: the api-ref's Sphinx source in api-ref/source, its samples in
    # doc/api_samples, both inside one git repository.
    repo = tmp_path / "repo"
    source = repo / "api-ref" / "source"
    shutil.copytree(ROOTS / "test-osapiref", source, ignore=shutil.ignore_patterns("samples"))
    shutil.copytree(ROOTS / "test-osapiref" / "samples", repo / "doc" / "api_samples")
    for inc in (source / "api-ref").glob("*.inc"):
        inc.write_text(inc.read_text().replace("../samples/", "../../../doc/api_samples/"))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    result = build_source(source, tmp_path / "out", strict=True)
    assert result.status == 0, result.output
    assert "rdp.example.org" in result.html("api-ref", "api-ref/index")
