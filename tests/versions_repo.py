"""A throw-away git repository with three release series of the test-versions docs.

* ``2026.1`` (branch ``stable/2026.1``, tag ``2026.1.0``): user/uploading, user/legacy;
* ``2026.2`` (branch ``stable/2026.2``, tag ``2026.2.0``): user/uploading moved to
  user/images (``git mv``, with a redirect), user/legacy removed;
  admin/tuning added;
* ``2026.3`` (branch ``main``): user/quotas added; admin/tuning renamed admin/performance
  (``git mv`` only, no redirect: the switcher follows git's rename).

Each series adds one release note, so each version's release notes show its own series.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).parent / "roots" / "test-versions"
VERSIONS = {"2026.1": "stable/2026.1", "2026.2": "stable/2026.2", "2026.3": "main"}
SOURCE = Path("doc") / "source"


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
         "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args],
        cwd=repo, check=True, capture_output=True, text=True,
    )
    return result.stdout


def note(repo: Path, slug: str, text: str) -> None:
    folder = repo / "releasenotes" / "notes"
    folder.mkdir(parents=True, exist_ok=True)
    uid = hashlib.sha1(slug.encode()).hexdigest()[:16]  # reno tells notes apart by it
    (folder / f"{slug}-{uid}.yaml").write_text(
        f"---\nfeatures:\n  - {text}\n", encoding="utf-8")


def write_versions(source: Path, versions: dict[str, str], extra: str = "") -> None:
    """Name the versions in conf.py (replacing any earlier list)."""
    conf = source / "conf.py"
    text = conf.read_text(encoding="utf-8").split("\nguidebook_versions = ", 1)[0] + "\n"
    lines = "".join(f"    {name!r}: {ref!r},\n" for name, ref in versions.items())
    conf.write_text(f"{text}guidebook_versions = {{\n{lines}}}\n{extra}", encoding="utf-8")


#: What conf.py needs for each theme the tests read in the browser.
THEMES = {
    "alabaster": "",
    "sphinx_rtd_theme": 'html_theme = "sphinx_rtd_theme"\n',
    "openstackdocs": (
        'html_theme = "openstackdocs"\nextensions.append("openstackdocstheme")\n'
        'openstackdocs_repo_name = "openstack/glance"\nopenstackdocs_auto_name = False\n'
        "openstackdocs_auto_version = False\nopenstackdocs_use_storyboard = False\n"
    ),
}


#: A Japanese catalog (OpenStack's layout) of the user guide, from 2026.2 on.
JA_CATALOG = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "User guide"
msgstr "ユーザーガイド"

msgid "Uploading images"
msgstr "イメージのアップロード"
"""


def make_repo(root: Path, theme: str = "alabaster", *, translated: bool = False) -> Path:
    """Create the repository in *root*; return its source directory (checked out: main).

    *translated*: from 2026.2 on, the site is translated into Japanese (``ja``).
    """
    source = root / SOURCE
    shutil.copytree(ROOT, source)
    conf = source / "conf.py"
    text = conf.read_text(encoding="utf-8")
    marker = "# The test writes guidebook_versions"
    conf.write_text(text.replace(marker, THEMES[theme] + marker), encoding="utf-8")
    (root / "releasenotes" / "notes").mkdir(parents=True)
    (root / "releasenotes" / "config.yaml").write_text("---\ndefault_branch: main\n",
                                                       encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    note(root, "first-series", "Image upload streams alphaseries data.")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "2026.1")
    git(root, "tag", "2026.1.0")
    git(root, "branch", "stable/2026.1")

    git(root, "mv", "doc/source/user/uploading.rst", "doc/source/user/images.rst")
    git(root, "rm", "-q", "doc/source/user/legacy.rst")
    (source / "user" / "index.rst").write_text(
        "User guide\n==========\n\n.. toctree::\n\n   images\n", encoding="utf-8")
    (source / "redirects.txt").write_text("user/uploading  user/images\n", encoding="utf-8")
    (source / "admin" / "tuning.rst").write_text(
        "Tuning the image service\n========================\n\nRaise the worker count of "
        "the API service when uploads queue up, and give the\nimage cache its own disk.\n",
        encoding="utf-8")
    (source / "admin" / "index.rst").write_text(
        "Operations\n==========\n\n.. toctree::\n\n   tuning\n", encoding="utf-8")
    note(root, "second-series", "Images carry betaseries checksums.")
    if translated:
        conf.write_text(conf.read_text(encoding="utf-8").replace(
            marker, 'guidebook_languages = ["ja"]\n' + marker), encoding="utf-8")
        catalogs = source / "locale" / "ja" / "LC_MESSAGES"
        catalogs.mkdir(parents=True)
        (catalogs / "doc-user.po").write_text(JA_CATALOG, encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "2026.2: move uploading to images, drop legacy")
    git(root, "tag", "2026.2.0")
    git(root, "branch", "stable/2026.2")

    (source / "user" / "quotas.rst").write_text(
        "Quotas\n======\n\nEach project may store a limited number of images.\n",
        encoding="utf-8")
    (source / "user" / "index.rst").write_text(
        "User guide\n==========\n\n.. toctree::\n\n   images\n   quotas\n", encoding="utf-8")
    git(root, "mv", "doc/source/admin/tuning.rst", "doc/source/admin/performance.rst")
    (source / "admin" / "index.rst").write_text(
        "Operations\n==========\n\n.. toctree::\n\n   performance\n", encoding="utf-8")
    note(root, "third-series", "Quotas per gammaseries project.")
    write_versions(source, VERSIONS)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "2026.3: quotas; name the versions")
    return source
