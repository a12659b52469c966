"""What every build pays before its first page: modules it imports only when it needs them,
and conf.py run once (issue 28; a one-page rebuild of a real tree is mostly start-up).

Each build runs in a fresh Python process, as ``guidebook build`` does, and reports the
modules it imported.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOTS

#: Modules of features a build of ``test-folders`` does not use (no --pdf, no
#: convert-api-ref, not openstackdocstheme, whose version guidebook keeps with pbr's
#: answer): their import is start-up time of every build.
UNUSED = ["guidebook.pdf.latex", "guidebook.pdf.scripts", "guidebook.apiref.build",
          "guidebook.apiref.calls", "guidebook.apiref.rst", "guidebook.apiref.markdown",
          "pbr.packaging"]

_REPORT = """
import gc, json, sys
import guidebook.driver.run  # the command's imports (their own collections not counted)
from guidebook.cli import main
full = []
gc.callbacks.append(lambda phase, info: full.append(1)
                    if phase == "start" and info["generation"] == 2 else None)
status = main(sys.argv[1:])
print(json.dumps({"status": status, "modules": sorted(sys.modules), "full": len(full)}))
"""


def _build(source: Path, out: Path, *options: str) -> tuple[int, set[str], int]:
    """Build in a new process: its status, the modules it imported, the full passes of
    the garbage collector it ran."""
    done = subprocess.run(
        [sys.executable, "-c", _REPORT, "build", "-q", "--source", str(source), "--out",
         str(out), *options], capture_output=True, text=True, check=False)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["status"], set(report["modules"]), report["full"]


#: conf.py counts its runs (a project's conf.py may generate files, import its code...).
_COUNT_RUNS = '\nwith open(__file__ + ".runs", "a") as _runs:\n    _runs.write("run\\n")\n'


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    source = tmp_path_factory.mktemp("startup") / "src"
    shutil.copytree(ROOTS / "test-folders", source)
    conf = source / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + _COUNT_RUNS, encoding="utf-8")
    runs = source / "conf.py.runs"
    out = source.parent / "out"
    found: dict[str, Any] = {}
    for name, options in (("fresh", ("--fresh",)), ("unchanged", ())):
        runs.unlink(missing_ok=True)
        status, modules, full = _build(source, out, *options)
        assert status == 0
        found[name] = modules
        found[f"{name} full collections"] = full
        found[f"{name} conf.py runs"] = runs.read_text(encoding="utf-8").count("run")
    return found


@pytest.mark.parametrize("build", ["fresh", "unchanged"])
def test_a_build_imports_no_module_of_a_feature_it_does_not_use(
    builds: dict[str, Any], build: str,
) -> None:
    modules = builds[build]
    assert "guidebook.engine.builder" in modules  # the build did run in this process
    assert [name for name in UNUSED if name in modules] == []


@pytest.mark.parametrize("build", ["fresh", "unchanged"])
def test_a_build_of_one_language_runs_conf_py_once(builds: dict[str, Any], build: str) -> None:
    # Not once more to find the site's languages before building (there are none here).
    assert builds[f"{build} conf.py runs"] == 1


@pytest.mark.parametrize("build", ["fresh", "unchanged"])
def test_the_one_build_of_the_command_runs_no_full_collection(
    builds: dict[str, Any], build: str,
) -> None:
    # The imports before it leave no garbage: a full pass would walk every object of
    # Python, Sphinx and guidebook for nothing (a later build in one process collects).
    assert builds[f"{build} full collections"] == 0
