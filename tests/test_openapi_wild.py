"""API descriptions as their publishers ship them (issue 23).

The ``openapi-wild`` root holds several specs, each written the way a real publisher writes
it: openstack/codegenerator's ``x-openstack`` microversions, ... Each is built once (a
module-scoped build) and the tests assert its HTML and its exact ``path:line:`` warnings.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import BuildResult, build_source

ROOT = Path(__file__).parent / "roots" / "test-openapi-wild"
COMPUTE = ("api-ref", "api-ref/compute")


def section(html: str, anchor: str) -> str:
    """The HTML of the operation section with id *anchor*."""
    start = html.index(f'id="{anchor}"')
    end = html.find('<section class="guidebook-api-operation"', start + 1)
    return html[start:end if end > 0 else len(html)]


def rows(html: str) -> dict[str, list[str]]:
    """Table rows of *html*: the first cell's text -> the other cells' texts."""
    found: dict[str, list[str]] = {}
    for row in re.findall(r"<tr class=\"row-(?:odd|even)\">(.*?)</tr>", html, re.S):
        cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split())
                 for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        if cells:
            found.setdefault(cells[0], cells[1:])
    return found


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
