"""OpenStack conventions in the rendered reference: action bodies by name, the microversion
header explained once per page.

Many OpenStack resources take their actions on one path (``POST /servers/{id}/action``),
each a body with one key naming the action. openstack/codegenerator (and ``guidebook
convert-api-ref``) write that body as a ``oneOf`` with ``x-openstack: {discriminator:
action}``, each branch with ``x-openstack: {action-name: reboot}``. One field table of all
branches would mix the actions' fields; each action gets its own, under its name.

Every call of a microversioned service lists the ``OpenStack-API-Version`` header; its
description is the same on every call, so a page shows it once and links to it after.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from guidebook.openapi.openstack import OPENSTACK_FIELD
from guidebook.openapi.spec import Spec, join_pointer

#: Header names that select a microversion (nova's older one too).
MICROVERSION_HEADERS = frozenset({"openstack-api-version", "x-openstack-nova-api-version"})


def _extension(value: Any) -> Mapping[str, Any]:
    extension = value.get(OPENSTACK_FIELD) if isinstance(value, Mapping) else None
    return extension if isinstance(extension, Mapping) else {}


@dataclasses.dataclass(frozen=True)
class ActionBranch:
    """One action of an action-discriminated body."""

    name: str
    schema: Any
    pointer: str
    target: Mapping[str, Any]


def action_branches(spec: Spec, schema: Any, pointer: str) -> list[ActionBranch]:
    """The actions of *schema* when it is a ``oneOf`` with ``discriminator: action``."""
    target, target_pointer = spec.resolve(schema, pointer)
    if not isinstance(target, Mapping) or _extension(target).get("discriminator") != "action":
        return []
    branches = target.get("oneOf")
    if not isinstance(branches, list):
        return []
    found: list[ActionBranch] = []
    for index, raw in enumerate(branches):
        branch_pointer = join_pointer(target_pointer, "oneOf", index)
        resolved, _ = spec.resolve(raw, branch_pointer)
        if not isinstance(resolved, Mapping):
            continue
        name = _extension(resolved).get("action-name")
        if not isinstance(name, str) or not name:
            properties = resolved.get("properties")
            keys = list(properties) if isinstance(properties, Mapping) else []
            name = str(keys[0]) if len(keys) == 1 else f"action {index + 1}"
        found.append(ActionBranch(name, raw, branch_pointer, resolved))
    return found


def is_microversion_header(param: Mapping[str, Any]) -> bool:
    """Whether *param* is the header that selects the microversion of a call."""
    return param.get("in") == "header" and (
        str(param.get("name", "")).lower() in MICROVERSION_HEADERS
        or _extension(param).get("microversion-header") is True)
