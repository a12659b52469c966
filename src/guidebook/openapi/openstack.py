"""OpenStack microversions as openstack/codegenerator writes them: ``x-openstack``.

OpenStack services change their API by microversion. The specs codegenerator makes from a
service's code mark what appeared or went away in one with an ``x-openstack`` mapping on an
operation, a parameter, a property or a ``oneOf`` branch::

    x-openstack:
      min-ver: "2.94"     # the first microversion with it
      max-ver: "2.99"     # the last one with it

The reader sees "New in 2.94" and "Until 2.99": under an operation's heading, and among a
field's notes. A version may be written as a number (``min-ver: 3.2``); it is shown as
written in the file, not as the float YAML makes of it (``3.10`` stays ``3.10``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docutils import nodes

#: The extension field codegenerator writes.
OPENSTACK_FIELD = "x-openstack"


def version_range(value: Any) -> tuple[str, str]:
    """The (min-ver, max-ver) of the ``x-openstack`` of *value*; "" for a missing one."""
    extension = value.get(OPENSTACK_FIELD) if isinstance(value, Mapping) else None
    if not isinstance(extension, Mapping):
        return "", ""
    return _version(extension.get("min-ver")), _version(extension.get("max-ver"))


def _version(raw: Any) -> str:
    if raw is None or isinstance(raw, (bool, Mapping, list)):
        return ""
    return " ".join(str(raw).split())


def version_notes(value: Any) -> tuple[str, ...]:
    """``("New in 2.94.", "Until 2.99.")``: the notes of a field, parameter or branch."""
    first, last = version_range(value)
    notes = []
    if first:
        notes.append(f"New in {first}.")
    if last:
        notes.append(f"Until {last}.")
    return tuple(notes)


def version_label(value: Any) -> str:
    """``new in 2.94, until 2.99`` (for a ``oneOf`` branch's name), or ""."""
    first, last = version_range(value)
    parts = ([f"new in {first}"] if first else []) + ([f"until {last}"] if last else [])
    return ", ".join(parts)


def operation_versions(operation: Any) -> nodes.paragraph | None:
    """The paragraph under an operation's heading: "New in 2.94. Until 2.99.", or None."""
    notes = version_notes(operation)
    if not notes:
        return None
    text = " ".join(notes)
    return nodes.paragraph(text, text, classes=["guidebook-api-versions"])


__all__ = ["OPENSTACK_FIELD", "operation_versions", "version_label", "version_notes",
           "version_range"]
