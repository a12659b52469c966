"""``guidebook build --versions``: build each version, then publish them all as one site.

Each version that changed is built by :func:`guidebook.driver.run.run_build` from its own
tree, in turn, in the work slot (:mod:`.trees`): incrementally from the version built
there before it, so versions that share most pages share most of the work. An unchanged
version is not built at all. Only then is the versioned site assembled into OUT's staging
directory and published in one step: a failed or interrupted build leaves the published
site as it was.

A version that does not build is named; the others still publish (exit status 1), and a
version that built before keeps its last good build. With ``--strict``, or when the
latest version has nothing to publish, nothing is published.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, cast

from guidebook.driver.options import BuildOptions
from guidebook.driver.publish import discard, mirror, output_lock, prepare_staging, publish
from guidebook.driver.run import checked_paths, run_build
from guidebook.manifest import MANIFEST_NAME, load_manifest
from guidebook.reorg import ReorgError
from guidebook.reorg.snapshot import Repository, find_repository, git_renames
from guidebook.versions.adopt import (
    apply_plan,
    build_plain_version,
    fit_plan,
    has_guides,
    predates_adoption,
    still_failing,
)
from guidebook.versions.assemble import assemble
from guidebook.versions.languages import language_versions
from guidebook.versions.links import PublishedVersion, VersionLinks
from guidebook.versions.spec import VersionsError, VersionSet, VersionSpec, branch_of, read_versions
from guidebook.versions.trees import (
    BuildState,
    VersionPlace,
    check_out,
    discard_changes,
    place_of,
    version_key,
    work_slot,
)


class _Prefixed(io.TextIOBase):
    """A stream that starts each line with the version's name."""

    def __init__(self, target: TextIO, prefix: str) -> None:
        self.target = target
        self.prefix = prefix
        self.at_start = True

    def write(self, text: str) -> int:
        for piece in text.splitlines(keepends=True):
            if self.at_start:
                self.target.write(self.prefix)
            self.target.write(piece)
            self.at_start = piece.endswith("\n")
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()


def build_versions(options: BuildOptions, *, stderr: TextIO | None = None) -> int:
    """Build and publish every version of the site; return the exit status."""
    err = stderr or sys.stderr
    paths = checked_paths(options, err)
    if paths is None:
        return 2
    source, out = paths
    try:
        repo = find_repository(source)
        spec = read_versions(source, repo)
    except (VersionsError, ReorgError) as exc:
        print(f"guidebook: error: {exc}", file=err)
        return 2
    with output_lock(out):
        state = BuildState.load(out)
        built: list[PublishedVersion] = []
        failed: list[str] = []
        builds = _Builds(options)
        for version in spec.versions:
            result = _build_one(builds, repo, spec, version, state, out, err)
            if result is None or result.commit != version.commit:
                failed.append(version.name)
            if result is not None:
                built.append(result)
        if failed and options.strict:
            print(f"guidebook: error: --strict: version(s) {', '.join(failed)} failed to "
                  f"build; the published site in {out} was left as it was", file=err)
            return 1
        if not any(version.latest for version in built):
            print(f"guidebook: error: the latest version {spec.latest.name!r} has nothing to "
                  f"publish; the published site in {out} was left as it was", file=err)
            return 1
        staging = prepare_staging(out, incremental=False)
        try:
            links = VersionLinks(built, _renames(repo))
            assemble(staging, built, links, spec.redirect_base,
                     language_versions(built, _renames(repo)))
        except BaseException:
            discard(staging)
            print(f"guidebook: assembling the versions failed; the published site in {out} "
                  "was left as it was", file=err)
            raise
        publish(staging, out)
    names = ", ".join(version.name for version in built)
    print(f"guidebook: published {out} with {len(built)} version(s): {names}", file=err)
    if failed:
        print(f"guidebook: error: version(s) {', '.join(failed)} failed to build (see "
              "above); their last good build, if any, was published", file=err)
        return 1
    return 0


class _Builds:
    """The options of the versions' builds in this run.

    With ``--fresh`` only the first build in the work slot starts afresh: the ones after
    it build upon what this same run left there, nothing older.
    """

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self.fresh_pending = options.fresh

    def next_fresh(self) -> bool:
        fresh, self.fresh_pending = self.fresh_pending, False
        return fresh


def _build_one(builds: _Builds, repo: Repository, spec: VersionSet, version: VersionSpec,
               state: BuildState, out: Path, err: TextIO) -> PublishedVersion | None:
    """Build *version* unless it is unchanged; its published form, or None if it has none."""
    options = builds.options
    place = place_of(out, version.name)
    slot = work_slot(out)
    branch = branch_of(repo, version.ref)
    overrides: dict[str, object] = {
        **options.overrides,
        "guidebook_version_marker": True,
        # The same for every version (a change would make Sphinx read every page again);
        # the assembly points each version's .htaccess at its own folder.
        "guidebook_redirect_base": spec.redirect_base,
        "guidebook_releasenotes_branch": branch,
    }
    key = version_key(repo, version, spec.releasenotes_dir,
                      {"overrides": overrides, "strict": options.strict,
                       "only": list(options.only), "adoption": spec.adoption})
    recorded = state.versions.get(version.name, {})
    manifest_path = place.site / MANIFEST_NAME
    label = f"{version.name} ({version.ref} at {version.commit[:12]})"
    if not options.fresh and recorded.get("key") == key and manifest_path.is_file():
        print(f"guidebook: version {label}: unchanged since its last build, not rebuilt",
              file=err)
        return _published(version, recorded.get("commit", version.commit), place.site)
    print(f"guidebook: version {label}: building", file=err)
    try:
        tree_source = check_out(repo, slot, version.commit)
    except ReorgError as exc:
        print(f"guidebook: error: version {version.name}: {exc}", file=err)
        return _previous(version, recorded, place.site, err)
    if not (tree_source / "conf.py").is_file():
        print(f"guidebook: error: {spec.conf}: version {version.name}: {version.ref} has no "
              f"{repo.source}/conf.py", file=err)
        return _previous(version, recorded, place.site, err)
    status, built_site = _build_tree(options, builds.next_fresh(), spec, version,
                                     tree_source, slot, overrides, err)
    if status != 0:
        if status != _NAMED:
            print(f"guidebook: error: version {label} failed to build (exit status {status})",
                  file=err)
        return _previous(version, recorded, place.site, err)
    _keep(built_site, place.site)
    state.versions[version.name] = {"key": key, "commit": version.commit}
    state.save()
    return _published(version, version.commit, place.site)


#: The status of a version that failed with its reason already named.
_NAMED = -1


def _build_tree(options: BuildOptions, fresh: bool, spec: VersionSet, version: VersionSpec,
                tree_source: Path, slot: VersionPlace, overrides: dict[str, object],
                err: TextIO) -> tuple[int, Path]:
    """Build the version's worktree; return the exit status and the site built.

    A tree from before the adoption gets today's adoption plan, else (or when that build
    fails) is built as a plain site; one that fails even so is named (:data:`_NAMED`).
    """
    stream = cast("TextIO", _Prefixed(err, f"[{version.name}] "))
    adopted = predates_adoption(tree_source)
    plain_reason = ""
    if adopted:
        plan, notes = fit_plan(spec.adoption, tree_source, spec.conf.parent)
        print(f"guidebook: version {version.name}: its conf.py has no guidebook settings; "
              "building it with today's guides and folder map", file=err)
        for note in notes:
            print(f"guidebook: version {version.name}: {note}", file=err)
        if has_guides(plan):
            apply_plan(tree_source, plan)
        else:
            plain_reason = "none of today's guides has its root page in this version"
    if not plain_reason:
        # Run from the version's tree, as sphinx-build runs from a checkout: themes and
        # extensions that ask git about "the repository" (openstackdocstheme's gitsha and
        # series) run git in the working directory.
        tree_options = BuildOptions(source=tree_source, out=slot.site, strict=options.strict,
                                    jobs=options.jobs, fresh=fresh, quiet=options.quiet,
                                    builder=options.builder, only=options.only,
                                    overrides=overrides)
        with contextlib.chdir(slot.tree):
            status = in_own_process(lambda out: run_build(tree_options, stderr=out), stream)
        if status == 0 or not adopted or (options.strict and status == 1):
            # --strict stopped at a warning (named above): a plain site would hide it.
            return status, slot.site
        plain_reason = f"the build with today's adoption plan failed (exit status {status})"
    print(f"guidebook: version {version.name}: {plain_reason}; building it as a plain "
          "Sphinx site", file=err)
    discard_changes(slot)  # the version's own conf.py
    plain_site = slot.root / "plain"

    def build_plain(out: TextIO) -> int:
        try:
            build_plain_version(tree_source, plain_site, slot.root / "plain-work",
                                version.name, {**options.overrides, "version": version.name,
                                               "release": version.name})
        except ReorgError as exc:
            message = still_failing(spec.conf, version.name, version.ref, str(exc))
            print(f"guidebook: error: {message}", file=out)
            return _NAMED
        return 0

    with contextlib.chdir(slot.tree):
        # In its own process too: the plain build imports the version's code as well.
        if in_own_process(build_plain, err) != 0:
            return _NAMED, plain_site
    if options.strict:
        print(f"guidebook: error: --strict: version {version.name} was built as a plain "
              "Sphinx site, not with guidebook", file=err)
        return _NAMED, plain_site
    return 0, plain_site


def in_own_process(build: Callable[[TextIO], int], stream: TextIO) -> int:
    """Run *build* in a forked process, its output copied to *stream*; its exit status.

    A version's docs may import the project's own code (an extension beside conf.py,
    autodoc's modules): Python keeps a module once imported, so in one process every later
    version would get the first version's code. Each build forks from a process that has
    imported none of it. Without ``fork`` (Windows) the build runs here.
    """
    if not hasattr(os, "fork"):
        return build(stream)
    stream.flush()
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: build, and leave without running the parent's clean-ups
        os.close(reading)
        status = 70  # EX_SOFTWARE, should the build itself raise
        try:
            with open(writing, "w", encoding="utf-8", errors="replace") as out:
                status = build(out)
        finally:
            os._exit(status)
    os.close(writing)
    with open(reading, encoding="utf-8", errors="replace") as pipe:
        for line in pipe:
            stream.write(line)
    stream.flush()
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def _keep(built: Path, site: Path) -> None:
    """Make *site* a copy of the site just built, copying only the files that differ."""
    if site.is_dir():
        mirror(built, site)
    else:
        site.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(built, site, symlinks=True)


def _previous(version: VersionSpec, recorded: dict[str, str], site: Path,
              err: TextIO) -> PublishedVersion | None:
    """The version's last good build, if it has one, to publish in place of the failed."""
    commit = recorded.get("commit")
    if commit is None or not (site / MANIFEST_NAME).is_file():
        return None
    print(f"guidebook: version {version.name}: publishing its last good build "
          f"({commit[:12]}) instead", file=err)
    return _published(version, commit, site)


def _published(version: VersionSpec, commit: str, site: Path) -> PublishedVersion | None:
    try:
        manifest = load_manifest(site / MANIFEST_NAME)
    except ReorgError:
        return None
    return PublishedVersion(version.name, version.ref, commit, version.latest, manifest, site)


def _renames(repo: Repository) -> Callable[[str, str], dict[str, str]]:
    def renames(before: str, after: str) -> dict[str, str]:
        try:
            return {old: new for old, new, _score in git_renames(repo, before, after)}
        except ReorgError:
            return {}
    return renames
