"""Every warning guidebook emits, each with a code users can suppress.

A warning is logged through Sphinx's logger with ``type="guidebook"`` and the code as
subtype, so Sphinx prints ``path:line: WARNING: message [guidebook.<code>]`` and
``suppress_warnings = ["guidebook.<code>"]`` in conf.py silences it.
"""

from __future__ import annotations

import enum
from typing import Any

from sphinx.util import logging

logger = logging.getLogger("guidebook")


class WarningCode(enum.Enum):
    """The code of every warning guidebook can emit (the value is the suppressible subtype).

    Each member is ``NAME = "subtype", "meaning"``: the meaning is the member's docstring
    and the third column of the generated table (``.. guidebook-warning-codes::``).
    """

    def __new__(cls, value: str, doc: str) -> WarningCode:
        member = object.__new__(cls)
        member._value_ = value
        member.__doc__ = doc
        return member

    AUDIENCE_UNKNOWN = ("audience-unknown",
                        "An audience name that is not a guide in ``guidebook_guides``.")
    AUDIENCE_EMPTY = ("audience-empty", "``.. audience::`` or ``:audience:`` with no names.")
    PAGE_NO_AUDIENCE = ("page-no-audience",
                        "A page outside every guide's folder that declares no audience.")
    FOLDER_AUDIENCES_UNMATCHED = ("folder-audiences-unmatched",
                                  "A ``guidebook_folder_audiences`` pattern that matches no "
                                  "page.")
    AUDIENCE_BLOCK_DEAD = ("audience-block-dead",
                           "An ``.. audience::`` block for guides the page itself is not in "
                           "(never shown).")
    PAGE_TYPE_UNKNOWN = ("page-type-unknown",
                         "``:page-type:`` with a value that is not tutorial, how-to, "
                         "reference or explanation.")
    GUIDE_ROOT_MISSING = ("guide-root-missing", "A guide's or part's root page does not exist.")
    OPENAPI_INVALID = ("openapi-invalid",
                       "The OpenAPI spec does not validate, an operation is rendered twice, "
                       "or an API reference setting or option is wrong.")
    OPENAPI_EXAMPLE = ("openapi-example",
                       "Examples in the OpenAPI spec that do not match their schemas (one "
                       "warning per operation, with the count and the first few).")
    OPENAPI_CHECK_LIMIT = ("openapi-check-limit",
                           "A valid spec construct guidebook's checks cannot use, such as an "
                           "ECMA-262 ``pattern`` (``\\p{L}``) Python's ``re`` lacks: "
                           "examples are checked without it.")
    OPENAPI_UNKNOWN_OPERATION = ("openapi-unknown-operation",
                                 "An ``:api:`` link to an operation the spec does not have.")
    OPENAPI_UNSAFE = ("openapi-unsafe-markup",
                      "Spec text (a description) held raw HTML or an unsafe URL; it was made "
                      "inert.")
    OPENAPI_MARKUP = ("openapi-markup",
                      "A description whose Markdown (or reStructuredText) does not make valid "
                      "reStructuredText: it is shown as the text it is.")
    OPENAPI_AUDIENCE = ("openapi-audience",
                        "A bad ``x-audience``, or an ``:api:`` link shown to a guide the "
                        "operation is not for.")
    RELEASENOTES = ("releasenotes",
                    "A release note or a release notes setting reno or guidebook cannot use.")
    REDIRECTS = ("redirects", "A line of the redirect map, or a redirect setting, is wrong.")
    INCLUDE_OUTSIDE = ("include-outside",
                       "``.. include::``, ``.. literalinclude::`` or ``.. image::`` of a "
                       "file outside the repository and ``guidebook_include_roots``.")
    LINK_BROKEN = ("link-broken",
                   "A hand-written relative ``.html`` link (```text <../x.html>`_``) that "
                   "names no page of the site; links that name a page follow it.")
    SYMLINK_LOOP = ("symlink-loop",
                    "A directory symlink in the source tree that loops back into its own "
                    "folder.")
    PDF_TEX_MISSING = ("pdf-tex-missing",
                       "``--pdf`` without TeX installed: no PDF is written (the HTML is); "
                       "the message names the Debian packages to install.")
    PDF_LATEX = ("pdf-latex",
                 "A guide's or part's PDF could not be made: LaTeX stopped at an error (its "
                 "log is kept) or the LaTeX writer failed.")
    CATALOG = ("catalog",
               "A message catalog (``.po``) line that cannot be read; the rest of the catalog "
               "is used.")
    TRANSLATION_MARKUP = ("translation-markup",
                          "A translation whose reStructuredText markup is broken or whose "
                          "roles and link targets differ from the original's: reported at "
                          "its catalog line, and the original is used.")

    @property
    def qualified(self) -> str:
        """The name used in ``suppress_warnings`` (``guidebook.<code>``)."""
        return f"guidebook.{self.value}"


def warn(code: WarningCode, message: str, *, location: Any = None) -> None:
    """Log *message* as a Sphinx warning carrying *code*.

    *location* is anything ``sphinx.util.logging`` accepts: a node, a ``(docname, line)``
    pair, or a ``"path:line"`` string.
    """
    logger.warning(message, location=location, type="guidebook", subtype=code.value)
