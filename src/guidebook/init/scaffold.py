"""A new site in an empty folder: the skeleton under ``templates/new-site``, filled in.

The skeleton builds with ``guidebook build --strict`` as it is: four guide roots, an API
reference with a small OpenAPI spec, reno's settings and a first note, a tox
environment, the documentation's requirements and a pre-commit hook. A file whose name
starts with ``dot-`` is written with a leading ``.`` instead (package data leaves
dotfiles out). Nothing that exists is ever overwritten.
"""

from __future__ import annotations

import datetime
import re
import secrets
import string
from pathlib import Path

from guidebook.git import GitError
from guidebook.git import run as run_git
from guidebook.init.plan import InitError

SKELETON = Path(__file__).parent / "templates" / "new-site"
_FIRST_NOTE = "releasenotes/notes/first-note.yaml"


def _target_name(relative: str) -> str:
    parts = relative.split("/")
    parts = [f".{part[4:]}" if part.startswith("dot-") else part for part in parts]
    name = "/".join(parts)
    if name == _FIRST_NOTE:
        # reno's own naming: the slug, then 16 hex digits that keep notes apart.
        name = f"releasenotes/notes/first-note-{secrets.token_hex(8)}.yaml"
    return name


def _compiled(relative: Path) -> bool:
    """Python's bytecode of the skeleton's ``conf.py``: an installer that compiles the
    package (pip does, by default) or ``compileall`` writes it beside the template."""
    return "__pycache__" in relative.parts or relative.suffix in (".pyc", ".pyo")


def project_name(folder: Path) -> str:
    words = re.split(r"[-_\s]+", folder.resolve().name)
    return " ".join(word.capitalize() for word in words if word) or "Project"


def scaffold(folder: Path, *, dry_run: bool = False) -> str:
    """Write a new site into *folder* (missing or empty); return what was written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InitError(
            f"{folder}: no Sphinx project here (no conf.py in it, nor in doc/source, "
            "docs/source, doc or docs), and it is not empty: a new site is only written "
            "into an empty or missing folder"
        )
    values = {"project": project_name(folder), "year": str(datetime.date.today().year)}
    files = sorted(path for path in SKELETON.rglob("*")
                   if path.is_file() and not _compiled(path.relative_to(SKELETON)))
    planned = [(path, folder / _target_name(path.relative_to(SKELETON).as_posix()))
               for path in files]
    listing = "\n".join(f"  {target.relative_to(folder).as_posix()}"
                        for _path, target in planned)
    if dry_run:
        return (f"guidebook init: would write a new site for {values['project']!r} "
                f"into {folder}:\n{listing}\nDry run: nothing was changed.")
    for path, target in planned:
        text = string.Template(path.read_text(encoding="utf-8")).substitute(values)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as stream:  # "x": never overwrite
            stream.write(text)
    note = _git_init(folder)
    return (f"guidebook init: wrote a new site for {values['project']!r} into {folder}:\n"
            f"{listing}\n{note}Next: cd {folder} && guidebook build --strict")


#: The author of the first commit when git knows no identity here.
FALLBACK_IDENTITY = ("-c", "user.name=guidebook init", "-c", "user.email=init@guidebook.invalid")


def _git_init(folder: Path) -> str:
    """Make *folder* a git repository with one commit when it is in none.

    reno reads release notes from git history, so the first note only counts once it is
    committed; a folder already inside a repository is left for its owner to commit.
    """
    try:
        if run_git(folder, "rev-parse", "--is-inside-work-tree").returncode == 0:
            return ("Commit these files before you build: reno reads release notes "
                    "from git.\n")
        steps = [("init", "--quiet"), ("add", "--all")]
        for step in steps:
            result = run_git(folder, *step)
            if result.returncode != 0:
                raise InitError(f"{folder}: git {step[0]} failed: {result.stderr.strip()}")
        known = run_git(folder, "config", "user.email").returncode == 0
        identity = () if known else FALLBACK_IDENTITY
        result = run_git(folder, *identity, "commit", "--quiet", "-m",
                      "Start the documentation (guidebook init)")
        if result.returncode != 0:
            raise InitError(f"{folder}: git commit failed: {result.stderr.strip()}")
    except GitError as exc:
        raise InitError(f"{folder}: {exc}; reno needs a "
                        "git repository for the release notes") from None
    who = "" if known else " as 'guidebook init' (no git identity is set here)"
    return f"Made it a git repository with one commit{who}: reno reads notes from git.\n"
