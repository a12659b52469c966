"""Where each page of a guide or part is published: its URL below the site root.

The layout (what readers, redirects and the manifest see)::

    OUT/<part>/index.html              the part's root page, whatever its docname
    OUT/<part>/<below home>.html       a page inside the part's home folder (the folder
                                       that holds its root), that folder dropped
    OUT/<part>/<docname>.html          a page from any other folder, its folder kept
    OUT/<part>/genindex.html, search.html   the pages Sphinx generates for every part

So ``user/sharing`` is ``user/sharing.html`` in the user guide, ``admin/quotas`` is
``operator/quotas.html`` in the operator guide (root ``admin/index``) and
``common/statuses`` is ``user/common/statuses.html``. A guide rooted at the top-level
``index`` (as ``guidebook init`` roots the guides of a tree whose index leads to each
folder) has no home folder, but the folder named like it is its own: ``admin/amphora``
is ``admin/amphora.html`` in the guide ``admin``. Two pages that would land on one
URL of a part are a :class:`UrlCollision`; the builder refuses to build the part.

Pure functions, no Sphinx: the builder, the redirects, ``guidebook move`` and the tests
share them. Paths here carry no suffix (``user/sharing``); :func:`page_url` adds it.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Callable, Iterable

#: The suffix of a published page.
URL_SUFFIX = ".html"
#: The name a part's root page is published under.
ROOT_NAME = "index"
#: Pages that every part gets from Sphinx rather than from the sources.
GENERATED_PAGES = ("genindex", "search")


def home_folder(root: str) -> str:
    """The folder that holds the part's root page ("" when the root is at the top)."""
    return posixpath.dirname(root)


def path_in_part(docname: str, root: str, part: str = "",
                 pages: frozenset[str] = frozenset()) -> str:
    """Where *docname* is published inside the folder of the part whose root is *root*.

    A page of the folder named like the part (``admin/amphora`` in the guide ``admin``)
    drops that folder too, wherever the part is rooted: the part's URL folder already
    says it (``admin/amphora.html``, not ``admin/admin/amphora.html``). That folder's
    own ``index`` keeps it when the part's root is another page, which has
    ``<part>/index.html``; so does a page whose name without the folder is another page
    of the part, among *pages* (cinder's ``contributor/drivers`` beside the top-level
    ``drivers``, which has ``contributor/drivers.html``).
    """
    if docname == root:
        return ROOT_NAME
    home = home_folder(root)
    if home and docname.startswith(home + "/"):
        return docname[len(home) + 1:]
    if part and part != home and docname.startswith(part + "/"):
        rest = docname[len(part) + 1:]
        if rest != ROOT_NAME and rest not in pages:
            return rest
    return docname


def page_path(part: str, docname: str, root: str, pages: frozenset[str] = frozenset()) -> str:
    """The page's path from the site root, without suffix: ``<part>/<path in part>``."""
    return f"{part}/{path_in_part(docname, root, part, pages)}"


def page_url(part: str, docname: str, root: str, suffix: str = URL_SUFFIX,
             pages: frozenset[str] = frozenset()) -> str:
    """The page's URL from the site root: ``user/sharing.html``."""
    return page_path(part, docname, root, pages) + suffix


def part_url(part: str, suffix: str = URL_SUFFIX) -> str:
    """The URL of the part's landing page from the site root: ``user/index.html``."""
    return f"{part}/{ROOT_NAME}{suffix}"


@dataclasses.dataclass(frozen=True)
class UrlCollision:
    """Two pages of one part that would be published at the same URL."""

    part: str
    url: str
    first: str  # the source file of the first page, or the generated page
    second: str

    @property
    def message(self) -> str:
        return (f"{self.first} and {self.second} would both be published at {self.url} "
                f"in {self.part!r}; rename or move one of them")


def collisions(part: str, root: str, docnames: Iterable[str],
               source_of: Callable[[str], str], suffix: str = URL_SUFFIX) -> list[UrlCollision]:
    """Every pair of the part's pages that would share a URL (generated pages included).

    *source_of* gives a page's source file as the error should name it. Sorted by URL.
    """
    owners = {f"{part}/{name}": f"the {name} page Sphinx generates" for name in GENERATED_PAGES}
    found: list[UrlCollision] = []
    pages = frozenset(docnames)
    for doc in sorted(pages, key=lambda doc: (doc != root, doc)):
        path = page_path(part, doc, root, pages)
        source = source_of(doc)
        if path in owners:
            found.append(UrlCollision(part, path + suffix, owners[path], source))
        else:
            owners[path] = source
    return sorted(found, key=lambda collision: collision.url)
