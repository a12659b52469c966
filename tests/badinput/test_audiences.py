"""Audience and guide configuration mistakes: located messages, failed build, site kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.badinput.corpus import (
    BASE_FILES,
    Baseline,
    Case,
    assert_intact,
    baseline_fixture,
    broken_copy,
    check_case,
    run_cli,
)

baseline = baseline_fixture()

PAGE = "user/page.rst"
HEAD = "A page\n======\n\n"
CONF = BASE_FILES["conf.py"]
GUIDES = (
    '\nguidebook_guides = {\n'
    '    "user": {"title": "User guide", "root": "user/index"},\n'
    '    "operator": {"title": "Operator guide", "root": "admin/index"},\n'
    '}\n'
)


def conf(extra: str) -> dict[str, str]:
    """conf.py of the good site with *extra* appended (later assignments win)."""
    return {"conf.py": CONF + extra}


AUDIENCE_CASES = [
    Case("unknown-audience-field", {PAGE: ":audience: wizards\n\n" + HEAD}, 1, (
        "{src}/user/page.rst:1: WARNING: unknown audience 'wizards' (known: user, operator) "
        "[guidebook.audience-unknown]",
    )),
    Case("unknown-audience-directive", {PAGE: HEAD + "x\n\n.. audience:: user wizards\n\n"
                                        "   Text.\n"}, 1, (
        "{src}/user/page.rst:6: WARNING: unknown audience 'wizards' (known: user, operator) "
        "[guidebook.audience-unknown]",
    )),
    Case("audience-directive-without-names", {PAGE: HEAD + ".. audience::\n\n   Text.\n"}, 1, (
        "{src}/user/page.rst:4: WARNING: audience directive: no audience given "
        "[guidebook.audience-empty]",
    )),
    Case("audience-field-empty", {PAGE: ":audience:\n\n" + HEAD}, 1, (
        "{src}/user/page.rst:1: WARNING: :audience: field: no audience given "
        "[guidebook.audience-empty]",
    )),
    Case("audience-field-bad-name", {PAGE: ":audience: us$er\n\n" + HEAD}, 1, (
        "{src}/user/page.rst:1: WARNING: :audience: field: invalid audience name 'us$er': "
        "use letters, digits, '-' and '_' [guidebook.audience-empty]",
    )),
    Case("audience-directive-bad-name", {PAGE: HEAD + ".. audience:: user<script>\n\n"
                                         "   Text.\n"}, 1, (
        "{src}/user/page.rst:4: WARNING: audience directive: invalid audience name "
        "'user<script>': use letters, digits, '-' and '_' [guidebook.audience-empty]",
    )),
    Case("audience-block-never-shown", {PAGE: HEAD + "x\n\n.. audience:: operator\n\n"
                                        "   Operators never read the user guide.\n"}, 1, (
        "{src}/user/page.rst:6: WARNING: audience block for operator can never be shown: "
        "the page is only in user [guidebook.audience-block-dead]",
    )),
    Case("nested-block-never-shown", {PAGE: HEAD + ".. audience:: user\n\n"
                                      "   .. audience:: operator\n\n      Nobody.\n"}, 1, (
        "{src}/user/page.rst:6: WARNING: audience block for operator can never be shown: "
        "the page is only in user [guidebook.audience-block-dead]",
    )),
    Case("page-with-no-audience", {"notes.rst": "Notes\n=====\n\nLoose page.\n"}, 1, (
        "{src}/notes.rst:1: WARNING: page is outside every guide's folder and has no "
        "':audience:' field (add one at the top of the file, e.g. ':audience: user, "
        "operator', or map its folder in guidebook_folder_audiences) "
        "[guidebook.page-no-audience]",
    )),
    Case("unknown-page-type", {PAGE: ":page-type: novel\n\n" + HEAD}, 1, (
        "{src}/user/page.rst:1: WARNING: unknown page type 'novel' (use one of tutorial, "
        "how-to, reference, explanation) [guidebook.page-type-unknown]",
    )),
    Case("guide-root-missing", conf(GUIDES.replace('"admin/index"', '"ops/index"')), 1, (
        "{src}/conf.py:12: WARNING: guide 'operator': its root page 'ops/index' does not "
        "exist (check 'root' in conf.py) [guidebook.guide-root-missing]",
    )),
]

CONF_CASES = [
    Case("duplicate-guide-and-part", conf(
        '\nguidebook_parts = {"user": {"title": "Users again", "root": "user/index"}}\n'), 2, (
        "guidebook: error: {src}/conf.py: guidebook_parts['user']: the name 'user' is used "
        "twice (guide and part names must be unique)",
    )),
    Case("names-differ-only-by-dash", conf(
        '\nguidebook_parts = {\n    "api-ref": {"title": "API", "root": "api/index"},\n'
        '    "api_ref": {"title": "API too", "root": "api/other"},\n}\n'), 2, (
        "guidebook: error: {src}/conf.py: guidebook_parts['api_ref']: the name 'api_ref' is "
        "too close to 'api-ref' ('-' and '_' count as the same in guide and part names)",
    )),
    Case("root-is-int", conf(GUIDES.replace('"admin/index"', "5")), 2, (
        "guidebook: error: {src}/conf.py: guidebook_guides['operator']['root'] must be a "
        "string, not int",
    )),
    Case("guides-is-list", conf('\nguidebook_guides = ["user", "operator"]\n'), 2, (
        "guidebook: error: {src}/conf.py: guidebook_guides must be a dict of name -> "
        "{{'title', 'root', 'description'}}, not list",
    )),
    Case("parts-is-str", conf('\nguidebook_parts = "api-ref"\n'), 2, (
        "guidebook: error: {src}/conf.py: guidebook_parts must be a dict of name -> "
        "{{'title', 'root', 'description'}}, not str",
    )),
    Case("guide-is-str", conf('\nguidebook_guides = {"user": "user/index"}\n'), 2, (
        "guidebook: error: {src}/conf.py: guidebook_guides['user'] must be a dict with "
        "'title', 'root' and 'description'",
    )),
    Case("no-guides", conf("\nguidebook_guides = {}\n"), 2, (
        "guidebook: error: {src}/conf.py: guidebook_guides must name at least one guide",
    )),
    Case("guide-missing-title", conf('\nguidebook_guides = {"user": {"root": "user/index"}}\n'),
         2, ("guidebook: error: {src}/conf.py: guidebook_guides['user'] is missing 'title'",)),
    Case("guide-unknown-key", conf(GUIDES.replace('"root": "user/index"',
                                                  '"root": "user/index", "rot": "x"')), 2, (
        "guidebook: error: {src}/conf.py: guidebook_guides['user']: unknown key(s) rot",
    )),
    Case("guide-bad-name", conf(GUIDES.replace('"user": {', '"user guide": {')), 2, (
        "guidebook: error: {src}/conf.py: guidebook_guides key 'user guide' must be a "
        "non-empty name of letters, digits, '-' or '_'",
    )),
    Case("root-with-suffix", conf(GUIDES.replace('"user/index"', '"user/index.rst"')), 2, (
        "guidebook: error: {src}/conf.py: guidebook_guides['user']['root'] must be a docname "
        "such as 'user/index', not 'user/index.rst'",
    )),
    Case("conf-syntax-error", conf("\nguidebook_guides = {\n"), 2, (
        "guidebook: error: {src}/conf.py:10: syntax error in conf.py: '{{' was never closed",
    )),
    Case("conf-raises", conf("\nimport os\nroot = os.environ['GUIDEBOOK_NO_SUCH_VAR']\n"), 2, (
        "guidebook: error: {src}/conf.py:11: conf.py failed: KeyError: "
        "'GUIDEBOOK_NO_SUCH_VAR'",
    )),
    Case("conf-exits", conf("\nimport sys\nsys.exit(3)\n"), 2, (
        "guidebook: error: {src}/conf.py: The configuration file (or one of the modules it "
        "imports) called sys.exit()",
    )),
]


@pytest.mark.parametrize("case", AUDIENCE_CASES + CONF_CASES, ids=str)
def test_bad_audience_or_conf(case: Case, baseline: Baseline, tmp_path: Path) -> None:
    check_case(case, baseline, tmp_path)


def test_conf_error_through_the_command(baseline: Baseline, tmp_path: Path) -> None:
    """The ``guidebook build`` command exits 2 with the same message and keeps the site."""
    case = CONF_CASES[1]
    source, out = broken_copy(baseline, tmp_path, case.files)
    done = run_cli("build", "--source", source, "--out", out, "--strict", "-q")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert case.messages[0].format(src=source) in done.stderr.splitlines()
    assert_intact(baseline, out)
