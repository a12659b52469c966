"""``guidebook lint``: each rule on a failing and a passing fixture, output shapes, exit codes.

``tests/roots/test-lint`` is a small project the linter finds clean; each folder of
``tests/lint-fixtures`` is laid over a copy of it (``<CODE>-bad`` and ``<CODE>-good``).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from guidebook.cli import main
from guidebook.lint import RULES
from guidebook.lint.similarity import Unit, Vocabulary, jaccard, near_duplicates, shingles_of

ROOT = Path(__file__).parent / "roots" / "test-lint"
FIXTURES = Path(__file__).parent / "lint-fixtures"

Project = Callable[..., Path]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A git-committed copy of the clean root with fixture folders laid over it (cwd)."""

    def make(*overlays: str) -> Path:
        target = tmp_path / "project"
        shutil.copytree(ROOT, target)
        for overlay in overlays:
            shutil.copytree(FIXTURES / overlay, target, dirs_exist_ok=True)
        git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
        subprocess.run([*git, "init", "-q"], cwd=target, check=True)
        subprocess.run([*git, "add", "-A"], cwd=target, check=True)
        subprocess.run([*git, "commit", "-q", "-m", "fixture"], cwd=target, check=True)
        monkeypatch.chdir(target)
        return target

    return make


def run_lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    status = main(["lint", "--source", ".", *args])
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err


EXPECTED = {
    "D001": ["user/long.rst:4: D001 Line too long"],
    "GB001": [
        "user/typo.rst:4: GB001 unknown directive 'code-blok' (did you mean 'code-block'?)",
    ],
    "GB002": ["user/role.rst:4: GB002 unknown role 'dco' (did you mean 'doc'?)"],
    "GB101": [
        "common/extra.rst:1: GB101 page is outside every guide's folder and has no "
        "':audience:' field (add one at the top of the file, e.g. ':audience: user, "
        "operator', or map its folder in guidebook_folder_audiences)",
    ],
    "GB102": [
        "user/audiences.rst:1: GB102 unknown audience 'users' (did you mean 'user'?) "
        "(known: user, operator, admin, api-ref)",
        "user/audiences.rst:6: GB102 unknown audience 'operater' (did you mean "
        "'operator'?) (known: user, operator, admin, api-ref)",
    ],
    "GB103": [
        "user/dead.rst:4: GB103 audience block for admin can never be shown: the page is "
        "only in user",
    ],
    "GB104": [
        "user/typed.rst:1: GB104 unknown page type 'how_to' (did you mean 'how-to'?) "
        "(use one of tutorial, how-to, reference, explanation)",
    ],
    "GB201": [
        "admin/hidden.rst:1: GB201 page is in no guide's navigation: list it in a toctree "
        "of operator, or mark it ':orphan:'",
        "admin/lost.rst:1: GB201 page is in no guide's navigation: list it in a toctree "
        "of operator or admin, or mark it ':orphan:'",
    ],
    "GB202": [
        "user/asks.rst:4: GB202 link to 'admin/import-config', which none of this text's "
        "audiences (user) can see: it is in operator, admin",
        "user/asks.rst:5: GB202 link to 'admin/import-config', which none of this text's "
        "audiences (user) can see: it is in operator",
    ],
    "GB203": [
        "user/upload.rst:1: GB203 duplicate label 'user-upload', first defined at "
        "user/dup.rst:1",
    ],
    "GB204": [
        "user/links.rst:4: GB204 unknown document 'user/uplaod' (did you mean "
        "'user/upload'?)",
    ],
    "GB301": [
        "admin/upload-check.rst:4: GB301 paragraph is 97% the same as the paragraph at "
        "user/upload.rst:6: write it once (a shared page with ':audience:', or a file both "
        "pages '.. include::')",
    ],
    "GB401": [
        "releasenotes/notes/fix-import-0a1b2c3d4e5f6a7b.yaml:2: GB401 unknown section "
        "'fix' (reno knows: prelude, features, issues, upgrade, deprecations, critical, "
        "security, fixes, other)",
    ],
    "GB501": ["api-ref/openapi.yaml:2: GB501 info has no version: write version: <the API's "
              'version, such as "1.0">'],
}


def test_clean_project_passes(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project()
    assert run_lint(capsys) == (0, [], "")


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_rule_catches_its_bad_fixture(
    code: str, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project(f"{code}-bad")
    status, lines, _ = run_lint(capsys)
    assert lines == EXPECTED[code]
    assert status == 1


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_rule_passes_its_good_fixture(
    code: str, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project(f"{code}-good")
    assert run_lint(capsys) == (0, [], "")


def test_every_rule_has_fixtures_and_examples() -> None:
    for code, rule in RULES.items():
        if code.startswith("GB"):
            assert "Bad" in rule.doc and "Good" in rule.doc, code
            assert (FIXTURES / f"{code}-bad").is_dir(), code
            assert (FIXTURES / f"{code}-good").is_dir(), code


def test_misspelt_directive_is_caught_though_doc8_lets_it_pass(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project("GB001-bad")
    assert run_lint(capsys, "--select", "D") == (0, [], "")
    status, lines, _ = run_lint(capsys, "--select", "GB001")
    assert status == 1
    assert lines == EXPECTED["GB001"]


def test_near_identical_sections_in_different_guides(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project("GB301-section-bad")
    status, lines, _ = run_lint(capsys)
    assert lines == [
        "admin/quotas.rst:4: GB301 section is 97% the same as the section at "
        "user/quotas.rst:4: write it once (a shared page with ':audience:', or a file both "
        "pages '.. include::')",
    ]
    assert status == 1


def test_openapi_examples_are_checked(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project("GB501-example-bad")
    status, lines, _ = run_lint(capsys)
    assert lines == [
        "api-ref/openapi.yaml:19: GB501 GET /v2/images: example 'example' of the response "
        "200 (application/json) does not match its schema: 'none' is not of type 'array' "
        "(at images)",
    ]
    assert status == 1


def test_json_output(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project("GB001-bad", "GB104-bad")
    status, lines, _ = run_lint(capsys, "--format", "json")
    assert status == 1
    assert json.loads("\n".join(lines)) == [
        {"path": "user/typed.rst", "line": 1, "code": "GB104", "severity": "warning",
         "message": "unknown page type 'how_to' (did you mean 'how-to'?) (use one of "
         "tutorial, how-to, reference, explanation)"},
        {"path": "user/typo.rst", "line": 4, "code": "GB001", "severity": "error",
         "message": "unknown directive 'code-blok' (did you mean 'code-block'?)"},
    ]


def test_clean_json_is_an_empty_list(project: Project, capsys: pytest.CaptureFixture[str]
                                     ) -> None:
    project()
    status, lines, _ = run_lint(capsys, "--format", "json")
    assert (status, json.loads("\n".join(lines))) == (0, [])


def test_paths_limit_the_report(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project("GB001-bad", "GB104-bad")
    status, lines, _ = run_lint(capsys, "user/typed.rst")
    assert (status, lines) == (1, EXPECTED["GB104"])


def test_select_and_ignore(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project("GB001-bad", "GB104-bad")
    assert run_lint(capsys, "--ignore", "GB0,GB104") == (0, [], "")
    assert run_lint(capsys, "--select", "GB1")[1] == EXPECTED["GB104"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "XY1"], "guidebook lint: unknown rule code 'XY1' (see --list-rules)"),
        (["missing.rst"], "guidebook lint: no such file or directory: missing.rst"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project()
    status, lines, err = run_lint(capsys, *args)
    assert (status, lines, err.strip()) == (2, [], message)


def test_no_conf_py_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    status, lines, err = run_lint(capsys)
    assert (status, lines) == (2, [])
    assert err.strip() == (
        f"guidebook lint: {tmp_path.resolve()}: no conf.py (use --source to name the "
        "source directory)"
    )


def test_bad_guides_setting_exits_2(project: Project, capsys: pytest.CaptureFixture[str]
                                    ) -> None:
    root = project()
    conf = root / "conf.py"
    conf.write_text(conf.read_text() + "guidebook_guides = {}\n")
    status, _, err = run_lint(capsys)
    assert status == 2
    assert "guidebook_guides must name at least one guide" in err
    assert "Traceback" not in err


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--list-rules"]) == 0
    out = capsys.readouterr().out
    for code, rule in RULES.items():
        assert f"{code} {rule.name} [{rule.severity}]" in out
    assert "        .. code-blok:: console" in out


def _paragraph(rng: random.Random, words: list[str], size: int) -> list[str]:
    return [rng.choice(words) for _ in range(size)]


def test_lsh_finds_every_pair_brute_force_finds() -> None:
    rng = random.Random(6)
    words = [f"w{i}" for i in range(300)]
    vocabulary = Vocabulary()
    texts: list[list[str]] = []
    for _ in range(150):
        base = _paragraph(rng, words, rng.randint(20, 60))
        texts.append(base)
        edited = list(base)
        for _ in range(rng.randint(0, 3)):
            edited[rng.randrange(len(edited))] = rng.choice(words)
        texts.append(edited)
    units = [Unit(i, 1, "paragraph", vocabulary.shingles(t)) for i, t in enumerate(texts)]
    expected = {
        (i, j)
        for i in range(len(units)) for j in range(i + 1, len(units))
        if jaccard(units[i].shingles, units[j].shingles) >= 0.85
    }
    found = {(m.first.file, m.second.file) for m in near_duplicates(units, 0.85)}
    assert len(expected) > 40
    assert found == expected


def test_a_40_word_paragraph_with_2_words_changed_is_found_wherever_they_are() -> None:
    rng = random.Random(16)
    words = [f"w{i}" for i in range(3000)]
    vocabulary = Vocabulary()
    units: list[Unit] = []
    for pair in range(300):
        base = _paragraph(rng, words, 40)
        edited = list(base)
        for position in rng.sample(range(40), 2):
            edited[position] = rng.choice(words)
        for number, text in enumerate((base, edited)):
            ids = vocabulary.ids(text)
            units.append(Unit(2 * pair + number, 1, "paragraph", shingles_of(ids), words=ids))
    found = {(m.first.file, m.second.file) for m in near_duplicates(units, 0.85)}
    assert {(2 * pair, 2 * pair + 1) for pair in range(300)} <= found
    # Shingles alone would have missed most of them.
    missed = sum(jaccard(units[2 * p].shingles, units[2 * p + 1].shingles) < 0.85
                 for p in range(300))
    assert missed > 250


def test_many_copies_are_compared_with_the_first_only() -> None:
    vocabulary = Vocabulary()
    text = [f"w{i}" for i in range(30)]
    units = [Unit(i, 1, "paragraph", vocabulary.shingles(text)) for i in range(100)]
    matches = near_duplicates(units, 0.85)
    assert sorted((m.first.file, m.second.file) for m in matches) == [
        (0, j) for j in range(1, 100)
    ]


REPOSITORY = Path(__file__).parent / "roots" / "test-lint-repo"


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git-committed copy of test-lint-repo (laid out as OpenStack's trees, no doc8
    configuration), as the current directory."""
    target = tmp_path / "repository"
    shutil.copytree(REPOSITORY, target)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=target, check=True)
    subprocess.run([*git, "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "fixture"], cwd=target, check=True)
    monkeypatch.chdir(target)
    return target


DUPLICATE = (
    "doc/source/admin/backup.rst:7: GB301 3 passages (lines 7, 13, 19) are 100% the same "
    "as passages of doc/source/user/backup.rst (first at doc/source/user/backup.rst:7): "
    "write it once (a shared page with ':audience:', or a file both pages '.. include::')"
)


def test_a_real_repository_layout_lints_as_it_builds(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # reno's release-notes (releasenotes/source/conf.py) and code-block:: none are known;
    # three copied paragraphs of one pair of pages are one finding; without a doc8
    # configuration the style findings are one line under the rest.
    assert main(["lint"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        DUPLICATE,
        "guidebook lint: 1 doc8 style finding not listed (D001 line-too-long: 1): the "
        "project has no doc8 configuration ([doc8] in doc8.ini, tox.ini or setup.cfg, "
        "[tool.doc8] in pyproject.toml); --style lists them",
    ]
    assert main(["lint", "--style"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        DUPLICATE, "doc/source/user/index.rst:4: D001 Line too long"]
    # The project's own doc8 configuration decides, as doc8 reads it.
    (repository / "pyproject.toml").write_text("[tool.doc8]\nmax-line-length = 100\n")
    assert main(["lint"]) == 1
    assert capsys.readouterr().out.splitlines() == [DUPLICATE]


def test_an_unknown_lexer_and_directive_are_still_reported(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = repository / "releasenotes" / "source" / "index.rst"
    notes.write_text(notes.read_text() + "\n.. release-note::\n")
    page = repository / "doc" / "source" / "user" / "index.rst"
    page.write_text(page.read_text() + "\n.. code-block:: nosuchlanguage\n\n   x\n")
    main(["lint", "--select", "GB001,D000"])
    assert capsys.readouterr().out.splitlines() == [
        'doc/source/user/index.rst:14: D000 Cannot analyze code. No Pygments lexer found '
        'for "nosuchlanguage".',
        "releasenotes/source/index.rst:8: GB001 unknown directive 'release-note' (did you "
        "mean 'release-notes'?)",
    ]
