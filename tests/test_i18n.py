"""Translated guides: tests/roots/test-i18n built for real, in English, Japanese and German.

Japanese keeps its catalogs in OpenStack's layout (``doc-user.po``, ``doc.po``), German in
Sphinx's (``user.po``); the user guide is half translated into Japanese and mostly into
German, the admin guide hardly at all, and the threshold is 0.5.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from guidebook.driver.options import BuildOptions
from guidebook.driver.run import run_build
from guidebook.i18n.catalogs import compile_catalogs, find_catalogs
from tests.conftest import ROOTS, BuildResult, build_source

ROOT = ROOTS / "test-i18n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    source = tmp_path_factory.mktemp("i18n") / "src"
    shutil.copytree(ROOT, source)
    result = build_source(source, source.parent / "out" / "html")
    assert result.status == 0, result.output
    return result


def _html(site: BuildResult, path: str) -> str:
    return (site.out / path).read_text(encoding="utf-8")


def _searchindex(site: BuildResult, path: str) -> dict[str, Any]:
    text = _html(site, path)
    data: dict[str, Any] = json.loads(text[len("Search.setIndex("):-1])
    return data


def test_each_language_is_published_under_its_folder(site: BuildResult) -> None:
    for page in ("index.html", "404.html", "user/index.html", "user/tasks.html",
                 "admin/backends.html"):
        assert (site.out / page).is_file(), page  # the original keeps its URLs
        for language in ("ja", "de"):
            assert (site.out / language / page).is_file(), f"{language}/{page}"
    assert 'lang="ja"' in _html(site, "ja/user/tasks.html")
    not_found = _html(site, "ja/404.html")
    assert 'href="/ja/user/index.html"' in not_found and 'lang="ja"' in not_found
    assert "日常の作業" in _html(site, "ja/user/tasks.html")
    assert "Alltägliche Aufgaben" in _html(site, "de/user/tasks.html")
    assert "日常の作業" not in _html(site, "de/user/tasks.html")  # no catalog leaks across
    assert "Everyday tasks" in _html(site, "user/tasks.html")


def test_no_compiled_catalog_is_left_in_the_source(site: BuildResult) -> None:
    assert not list(site.source.rglob("*.mo"))


def test_every_page_links_to_itself_in_the_other_languages(site: BuildResult) -> None:
    for page in ("user/tasks.html", "ja/user/tasks.html", "de/index.html", "index.html"):
        text = _html(site, page)
        nav = re.search(r'<nav class="guidebook-languages".*?</nav>', text)
        assert nav, page
        links = re.findall(r'href="([^"]+)"', nav.group(0))
        assert len(links) == 2, (page, links)
        for link in links:
            target = (site.out / page).parent / link
            assert target.resolve().is_file(), (page, link)
        alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"',
                                     text))
        assert set(alternates) == {"en", "ja", "de"}, page
    tasks = _html(site, "ja/user/tasks.html")
    assert '<link rel="alternate" hreflang="en" href="../../user/tasks.html">' in tasks


def test_untranslated_and_partly_translated_pages_say_so_in_the_readers_language(
        site: BuildResult) -> None:
    later = _html(site, "ja/user/later.html")
    assert 'data-translation="untranslated"' in later
    notice = "このページはまだ翻訳されていません。原文の言語\uff08英語\uff09で表示しています。"
    assert notice in later
    assert "Nobody has translated this page; see" in later
    tasks = _html(site, "ja/user/tasks.html")
    assert 'data-translation="partial"' in tasks
    assert "\uff0850%\uff09" in tasks  # in full-width parentheses
    german = _html(site, "de/user/tasks.html")
    assert "guidebook-translation-notice" not in german  # every message translated
    assert "guidebook-translation-notice" not in _html(site, "user/later.html")


def test_fuzzy_entries_are_not_used(site: BuildResult) -> None:
    tasks = _html(site, "ja/user/tasks.html")
    assert "あいまいな訳" not in tasks
    assert "The image cache keeps copies nearby." in tasks


def test_broken_translation_markup_is_reported_at_its_catalog_line(site: BuildResult) -> None:
    catalog = site.source / "locale" / "ja" / "LC_MESSAGES" / "doc-user.po"
    assert (f"{catalog}:18: WARNING: the translation of 'Share an image with another "
            "project.' breaks the markup (Inline strong start-string without end-string); "
            "the original is used [guidebook.translation-markup]") in site.output
    tasks = _html(site, "ja/user/tasks.html")
    assert "Share an image with another project." in tasks
    assert "problematic" not in tasks


def test_a_guide_below_the_threshold_is_published_in_the_original_only(
        site: BuildResult) -> None:
    stub = _html(site, "ja/admin/backends.html")
    assert 'http-equiv="refresh" content="0; url=../../admin/backends.html"' in stub
    assert not (site.out / "ja" / "admin" / "searchindex.js").exists()
    # Its index and search pages too: every language link leads somewhere.
    assert "url=../../admin/search.html" in _html(site, "ja/admin/search.html")
    # A link from a published guide to the withheld one goes to the original.
    assert 'href="../../admin/backends.html"' in _html(site, "ja/user/later.html")
    assert 'href="../admin/backends.html"' in _html(site, "user/later.html")
    portal = _html(site, "ja/index.html")
    listed = re.search(r'<section class="guidebook-portal-untranslated">.*?</section>', portal)
    assert listed and 'href="../admin/index.html"' in listed.group(0)
    assert "37% 翻訳済み" in listed.group(0)
    assert 'data-guide="admin"' not in portal
    assert 'data-guide="user"' in portal


def test_the_manifest_lists_each_languages_share_per_guide(site: BuildResult) -> None:
    languages = {entry["code"]: entry for entry in site.manifest["languages"]}
    assert languages["en"]["original"] is True
    assert languages["ja"]["parts"]["user"] == {
        "translated": 5, "total": 10, "share": 0.5, "published": True}
    assert languages["ja"]["parts"]["admin"]["published"] is False
    assert languages["de"]["parts"]["user"]["share"] == 0.6
    # The admin block on the shared glossary counts for the admin guide only.
    assert languages["ja"]["parts"]["admin"]["translated"] == 3
    assert languages["de"]["url"] == "de/index.html"


def test_report_shows_coverage_guide_by_language(site: BuildResult, tmp_path: Path) -> None:
    from guidebook.cli import main

    manifest = str(site.out / "guidebook.json")
    report = tmp_path / "report.json"
    assert main(["report", "--manifest", manifest, "--format", "json", "-o", str(report)]) == 0
    languages = {entry["code"]: entry for entry in json.loads(report.read_text())["languages"]}
    assert languages["ja"]["parts"]["admin"] == {
        "translated": 3, "total": 8, "share": 0.375, "published": False}
    page = tmp_path / "report.html"
    assert main(["report", "--manifest", manifest, "-o", str(page)]) == 0
    table = page.read_text(encoding="utf-8").split("guide &times; language", 1)[1]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table.split("</table>", 1)[0])
    assert "User guide" in rows[0] and "<td>50% (5/10)</td><td>60% (6/10)</td>" in rows[0]
    assert ('<td class="gap">37% (3/8) (original only)</td>'
            '<td class="gap">0% (0/8) (original only)</td>') in rows[1]


def test_search_is_per_language_with_its_own_word_splitting(site: BuildResult) -> None:
    japanese = _searchindex(site, "ja/user/searchindex.js")["terms"]
    assert {"アップロード", "イメージ", "コマンド"} <= set(japanese)  # Sphinx's ja splitter
    german = _searchindex(site, "de/user/searchindex.js")["terms"]
    assert "abbild" in german  # the German stemmer
    assert "abbild" not in _searchindex(site, "user/searchindex.js")["terms"]


def test_an_unchanged_language_is_not_read_again_and_a_catalog_change_reads_its_pages(
        site: BuildResult) -> None:
    def pages(language: str) -> dict[str, int]:
        return {path.relative_to(site.out).as_posix(): path.stat().st_mtime_ns
                for path in (site.out / language).glob("*/*.html")}

    # After a fresh build too: Sphinx's -E compiles every catalog again itself.
    fresh = build_source(site.source, site.out, fresh=True)
    assert fresh.status == 0, fresh.output
    before = {language: pages(language) for language in ("ja", "de")}
    again = build_source(site.source, site.out)
    assert again.status == 0, again.output
    assert again.output.count("0 added, 0 changed, 0 removed") == 3
    # Nothing read, nothing written: every page of each language is the file it was, the
    # withheld admin guide's pages and its redirect stub (redirects.txt) included.
    assert {language: pages(language) for language in ("ja", "de")} == before
    assert 'url=backends.html"' in _html(site, "ja/admin/stores.html")  # the stub stays
    assert 'url=../../admin/backends.html"' in _html(site, "ja/admin/backends.html")
    assert "writing output... [" not in again.output.split("building the ja translation")[1]
    catalog = site.source / "locale" / "de" / "LC_MESSAGES" / "user.po"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        "Benutzerhandbuch", "Handbuch für Benutzer"), encoding="utf-8")
    changed = build_source(site.source, site.out)
    assert changed.status == 0, changed.output
    assert changed.output.count("0 added, 0 changed, 0 removed") == 2  # en and ja
    german = changed.output.split("building the de translation", 1)[1]
    reread = re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", german)
    assert sorted(reread) == ["user/index", "user/later", "user/tasks"], german
    assert "Handbuch für Benutzer" in _html(site, "de/user/index.html")


def test_a_broken_catalog_line_is_located_and_strict_fails(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    catalog = source / "locale" / "de" / "LC_MESSAGES" / "user.po"
    catalog.write_text(catalog.read_text(encoding="utf-8") + '\nmsgid "Loose"\nnonsense here\n',
                       encoding="utf-8")
    result = build_source(source, tmp_path / "out", strict=True)
    assert result.status == 1
    line = catalog.read_text(encoding="utf-8").splitlines().index("nonsense here") + 1
    assert f"{catalog}:{line}: WARNING: catalog syntax:" in result.output
    assert not (tmp_path / "out").exists()  # nothing published


def test_language_limits_the_build(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    stream = io.StringIO()
    status = run_build(BuildOptions(source=source, out=tmp_path / "out", languages=("ja",)),
                       stderr=stream)
    assert status == 0, stream.getvalue()
    assert (tmp_path / "out" / "ja" / "user" / "tasks.html").is_file()
    assert not (tmp_path / "out" / "de").exists()
    assert not (tmp_path / "out" / "user").exists()
    stream = io.StringIO()
    status = run_build(BuildOptions(source=source, out=tmp_path / "out", languages=("xx",)),
                       stderr=stream)
    assert status == 2
    assert "--language xx: not a language of this site" in stream.getvalue()


def test_one_changed_catalog_rewrites_only_its_domain(tmp_path: Path) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", locale)
    files = find_catalogs([locale], "ja", None)
    assert [p.name for p in files.domains["user"]] == ["doc-user.po"]
    assert [p.name for p in files.shared] == ["doc.po"]
    first = compile_catalogs(files, "ja", ["admin", "user"], tmp_path / "build")
    assert sorted(first.changed) == ["admin", "user"]
    assert first.domains == {"admin": 3, "user": 7}  # doc.po serves both; fuzzy left out
    # No clock in the header: a recompiled but unchanged domain keeps its bytes.
    compiled = (tmp_path / "build" / "ja" / "LC_MESSAGES" / "admin.mo").read_bytes()
    assert b"POT-Creation-Date: 1970-01-01" in compiled
    again = compile_catalogs(find_catalogs([locale], "ja", None), "ja", ["admin", "user"],
                             tmp_path / "build")
    assert again.changed == [] and len(again.problems) == 1  # the problem is kept
    user = locale / "ja" / "LC_MESSAGES" / "doc-user.po"
    user.write_text(user.read_text(encoding="utf-8").replace("日常の作業", "毎日の作業"),
                    encoding="utf-8")
    third = compile_catalogs(find_catalogs([locale], "ja", None), "ja", ["admin", "user"],
                             tmp_path / "build")
    assert third.changed == ["user"]


def test_bad_language_settings_name_their_conf_line(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    conf = source / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace(
        "guidebook_languages_threshold = 0.5", "guidebook_languages_threshold = 5"),
        encoding="utf-8")
    result = build_source(source, tmp_path / "out")
    assert result.status == 2
    line = conf.read_text(encoding="utf-8").splitlines().index(
        "guidebook_languages_threshold = 5") + 1
    assert (f"{conf}:{line}: guidebook_languages_threshold must be a number from 0 to 1"
            in result.output)


def test_gettext_writes_a_template_per_guide_without_other_guides_blocks(
        tmp_path: Path) -> None:
    from guidebook.cli import main

    status = main(["gettext", "-q", "--source", str(ROOT), "--out", str(tmp_path)])
    assert status == 0
    user = (tmp_path / "doc-user.pot").read_text(encoding="utf-8")
    admin = (tmp_path / "doc-admin.pot").read_text(encoding="utf-8")
    assert 'msgid "Everyday tasks"' in user and 'msgid "Everyday tasks"' not in admin
    assert 'msgid "An image is a disk template."' in user  # the shared page: in both
    assert 'msgid "An image is a disk template."' in admin
    assert 'msgid "Only administrators read this."' in admin
    assert "Only administrators" not in user
    assert sorted(path.name for path in tmp_path.iterdir()) == ["doc-admin.pot", "doc-user.pot"]


def test_the_flagship_publishes_part_of_its_user_guide_in_japanese_and_russian(
        flagship_build: BuildResult) -> None:
    out = flagship_build.out
    japanese = (out / "ja" / "user" / "index.html").read_text(encoding="utf-8")
    assert 'lang="ja"' in japanese
    assert "エンドユーザーガイド: イメージの作成、検索、共有、利用" in japanese
    assert 'data-translation="partial"' in japanese
    russian = (out / "ru" / "user" / "images-overview.html").read_text(encoding="utf-8")
    assert "Запись и данные" in russian
    untranslated = (out / "ru" / "user" / "deactivation.html").read_text(encoding="utf-8")
    assert 'data-translation="untranslated"' in untranslated
    assert "Эта страница ещё не переведена" in untranslated
    languages = {entry["code"]: entry for entry in flagship_build.manifest["languages"]}
    assert set(languages) == {"en", "ja", "ru"}
    for code in ("ja", "ru"):
        parts = languages[code]["parts"]
        assert parts["user"]["published"] is True
        assert parts["operator"]["published"] is False  # below the threshold
        portal = (out / code / "index.html").read_text(encoding="utf-8")
        assert 'href="../operator/index.html"' in portal
        stub = (out / code / "operator" / "index.html").read_text(encoding="utf-8")
        assert 'url=../../operator/index.html"' in stub
    assert "イメージ" in _searchindex(flagship_build, "ja/user/searchindex.js")["terms"]
    assert "образ" in _searchindex(flagship_build, "ru/user/searchindex.js")["terms"]


def test_renos_releasenotes_catalog_translates_the_notes_and_whats_new(
        tmp_path: Path) -> None:
    """reno's own catalog (``releasenotes/source/locale/<lang>/LC_MESSAGES/releasenotes.po``)
    translates the release notes part and every guide's What's new."""
    from tests.test_releasenotes import NOTES_1_0, NOTES_2_0, commit_notes, git

    root = tmp_path / "repo"
    shutil.copytree(ROOTS / "test-releasenotes", root / "doc")
    conf = root / "doc" / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + 'guidebook_languages = ["fr"]\n',
                    encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "doc")
    git(root, "commit", "-q", "-m", "docs")
    commit_notes(root, NOTES_1_0, "first release")
    git(root, "tag", "1.0.0")
    commit_notes(root, NOTES_2_0, "second release")
    catalog = root / "releasenotes" / "source" / "locale" / "fr" / "LC_MESSAGES"
    catalog.mkdir(parents=True)
    (catalog / "releasenotes.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "The alphafeature lets you do more."\n'
        'msgstr "La fonctionnalité alphafeature élargit vos possibilités."\n\n'
        'msgid "The betafix stops a crash."\nmsgstr "Le correctif betafix évite un plantage."\n\n'
        'msgid "What\'s new"\nmsgstr "Nouveautés"\n\n'
        '#, fuzzy\nmsgid "Run the alphaupgrade migration first."\n'
        'msgstr "Lancez d\'abord la migration alphaupgrade (brouillon)."\n',
        encoding="utf-8")
    result = build_source(root / "doc", tmp_path / "out", strict=True)
    assert result.status == 0, result.output
    out = result.out
    series = (out / "fr" / "releasenotes" / "series" / "1.0.html").read_text(encoding="utf-8")
    assert "La fonctionnalité alphafeature élargit vos possibilités." in series
    assert "Run the alphaupgrade migration first." in series  # fuzzy: the original
    assert 'data-translation="partial"' in series
    whats_new = (out / "fr" / "user" / "whats-new.html").read_text(encoding="utf-8")
    assert "<h1>Nouveautés" in whats_new
    # The entry's link to the full note survives the translation of its sentence.
    assert ('Le correctif betafix évite un plantage. (<a class="reference internal" '
            'href="../releasenotes/series/unreleased.html#relnote-beta-2222222222222222-fixes">'
            '<span class="std std-ref">notes de version</span></a>)' in whats_new)
    assert "La fonctionnalité alphafeature" in whats_new
    original = (out / "user" / "whats-new.html").read_text(encoding="utf-8")
    assert "The alphafeature lets you do more." in original and "Nouveautés" not in original
    terms = _searchindex(result, "fr/releasenotes/searchindex.js")["terms"]
    assert "plantag" in terms  # the French stemmer, on the translated note
    languages = {entry["code"]: entry for entry in result.manifest["languages"]}
    assert languages["fr"]["parts"]["releasenotes"]["translated"] > 0
