"""Redirect map mistakes: cycles, off-site targets, smuggled newlines, live pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.badinput.corpus import Baseline, Case, baseline_fixture, check_case

baseline = baseline_fixture()

MAP = "redirects.txt"
ONSITE = ("redirects stay on this site: write a site path such as 'user/index.html' or "
          "a docname such as 'user/index' [guidebook.redirects]")

CASES = [
    Case("redirect-cycle", {MAP: "# moved twice\nuser/a user/b\nuser/b user/a\n"}, 1, (
        "{src}/redirects.txt:2: WARNING: redirect cycle: user/a.html -> user/b.html "
        "-> user/a.html (lines 2, 3) [guidebook.redirects]",
    )),
    Case("redirect-to-itself", {MAP: "user/a user/a\n"}, 1, (
        "{src}/redirects.txt:1: WARNING: 'user/a' redirects to itself [guidebook.redirects]",
    )),
    Case("redirect-off-site", {MAP: "user/old https://evil.example/x\n"}, 1, (
        f"{{src}}/redirects.txt:1: WARNING: 'https://evil.example/x' is an off-site URL; {ONSITE}",
    )),
    Case("redirect-scheme-relative", {MAP: "user/old //evil.example/x\n"}, 1, (
        f"{{src}}/redirects.txt:1: WARNING: '//evil.example/x' is an off-site URL; {ONSITE}",
    )),
    Case("redirect-javascript", {MAP: "user/old.html javascript:alert(1)\n"}, 1, (
        f"{{src}}/redirects.txt:1: WARNING: 'javascript:alert(1)' is an off-site URL; {ONSITE}",
    )),
    Case("redirect-newline-in-path", {MAP: "user/old\r.html user/page\n"}, 1, (
        "{src}/redirects.txt:1: WARNING: expected two paths, 'OLD NEW', found only 'user/old' "
        "(paths cannot contain blanks) [guidebook.redirects]",
    )),
    Case("redirect-encoded-newline", {MAP: "user/old%0d%0a.html user/page\n"}, 1, (
        "{src}/redirects.txt:1: WARNING: 'user/old%0d%0a.html' contains '%'; a redirect path "
        "may only use letters, digits, '.', '_', '-' and '/' [guidebook.redirects]",
    )),
    Case("redirect-smuggled-directive", {MAP: "user/old user/page\n"
                                         "RewriteRule .* http://evil [R]\n"}, 1, (
        "{src}/redirects.txt:2: WARNING: expected two paths, 'OLD NEW', found 4 fields "
        "(paths cannot contain blanks) [guidebook.redirects]",
    )),
    Case("redirect-from-live-page", {MAP: "user/page user/index\n"}, 1, (
        "{src}/redirects.txt:1: WARNING: redirect from 'user/page', a page that still exists "
        "(remove the line or the page) [guidebook.redirects]",
    )),
    Case("redirect-to-missing-page", {MAP: "user/old user/nothere\n"}, 1, (
        "{src}/redirects.txt:1: WARNING: redirect target 'user/nothere' is not a page of the "
        "site, nor redirected [guidebook.redirects]",
    )),
    Case("redirect-folder-hides-pages", {MAP: "user/ operator/\n"}, 1, (
        "{src}/redirects.txt:1: WARNING: folder redirect from 'user/', below which the site "
        "still serves 'user/genindex.html' (the redirect would hide it) [guidebook.redirects]",
    )),
    Case("redirect-folder-to-a-page", {MAP: "user/user/ user/index.html\n"}, 1, (
        "{src}/redirects.txt:1: WARNING: 'user/user/' is a folder and 'user/index.html' is "
        "not; a folder redirects to a folder (end both with '/') [guidebook.redirects]",
    )),
    Case("redirect-folder-into-itself", {MAP: "user/ user/v2/\n"}, 1, (
        "{src}/redirects.txt:1: WARNING: folder redirect 'user/' -> 'user/v2/': the new "
        "folder is inside the old one, so the rule would apply again to its own result "
        "[guidebook.redirects]",
    )),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_redirect_map(case: Case, baseline: Baseline, tmp_path: Path) -> None:
    result = check_case(case, baseline, tmp_path)
    # The good site's .htaccess names only its 404 page: nothing of the bad map got in.
    assert (result.out / ".htaccess").read_text().splitlines()[1:] == [
        "ErrorDocument 404 /404.html"]
