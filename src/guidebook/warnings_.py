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
    """The code of every warning guidebook can emit (the value is the suppressible subtype)."""

    #: ``guidebook_guides`` or ``guidebook_parts`` is malformed.
    CONFIG = "config"
    #: An audience name that is not a guide in ``guidebook_guides``.
    AUDIENCE_UNKNOWN = "audience-unknown"
    #: ``.. audience::`` or ``:audience:`` with no names.
    AUDIENCE_EMPTY = "audience-empty"
    #: A page outside every guide's folder that declares no audience.
    PAGE_NO_AUDIENCE = "page-no-audience"
    #: An ``.. audience::`` block for guides the page itself is not in (never shown).
    AUDIENCE_BLOCK_DEAD = "audience-block-dead"
    #: ``:page-type:`` with a value that is not tutorial, how-to, reference or explanation.
    PAGE_TYPE_UNKNOWN = "page-type-unknown"
    #: A guide's root page does not exist.
    GUIDE_ROOT_MISSING = "guide-root-missing"
    #: OpenAPI spec problems.
    OPENAPI_INVALID = "openapi-invalid"
    #: Examples that do not match their schemas (one warning per operation).
    OPENAPI_EXAMPLE = "openapi-example"
    #: A valid spec construct guidebook's checks cannot use, such as an ECMA-262
    #: ``pattern`` (``\\p{L}``) Python's ``re`` lacks: checked without it.
    OPENAPI_CHECK_LIMIT = "openapi-check-limit"
    OPENAPI_UNKNOWN_OPERATION = "openapi-unknown-operation"
    #: Spec text (a description) held raw HTML or an unsafe URL; it was made inert.
    OPENAPI_UNSAFE = "openapi-unsafe-markup"
    #: A description whose Markdown (or reStructuredText) does not make valid
    #: reStructuredText: it is shown as the text it is.
    OPENAPI_MARKUP = "openapi-markup"
    #: A bad ``x-audience``, or an ``:api:`` link shown to a guide the operation is not for.
    OPENAPI_AUDIENCE = "openapi-audience"
    #: Release notes problems.
    RELEASENOTES = "releasenotes"
    #: Redirect map problems.
    REDIRECTS = "redirects"
    #: ``.. include::`` or ``.. literalinclude::`` of a file outside the source tree.
    INCLUDE_OUTSIDE = "include-outside"
    #: A directory symlink in the source tree that loops back into its own folder.
    SYMLINK_LOOP = "symlink-loop"

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
