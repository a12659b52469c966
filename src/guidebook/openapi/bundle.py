"""Multi-file specs: the files a spec's ``$ref``s name, read into the spec itself.

A reference such as ``schemas/image.yaml#/Image`` or ``../common/errors.yaml`` is followed
when the file lies inside the spec's folder (the folder of the file that names the spec):
the file is read once, its content is held under ``x-guidebook-files`` in the spec, and the
reference becomes a local one (``#/x-guidebook-files/schemas~1image.yaml/Image``), so the
validators, the example checks and the renderer all see one document, and every problem is
still reported at the line of the file it is in. URLs and files outside the folder are left
as they are, and :func:`~guidebook.openapi.spec.check_refs` refuses them: spec text is
untrusted, and the build never reads a file the author did not put beside the spec or
fetches a URL.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from guidebook.openapi.spec import (
    BUNDLE_KEY,
    Spec,
    SpecError,
    is_url,
    join_pointer,
    parse_file,
    walk_references,
)
from guidebook.openapi.swagger2 import convert, is_swagger2, swagger2_problems

#: Files read as YAML or JSON; any other file a ``$ref`` names is held as its text.
_DATA_SUFFIXES = frozenset({".yaml", ".yml", ".json"})


def _text_of(path: Path, encoding: str) -> str:
    try:
        return path.read_text(encoding=encoding)
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(path, 1, f"cannot read the file a spec refers to: {exc}") from None


def load_spec(path: Path, encoding: str = "utf-8") -> Spec:
    """Read the YAML or JSON spec at *path* and the files it refers to in its folder.

    :class:`SpecError` says where a file is broken.
    """
    data, lines = parse_file(path, encoding)
    spec = Spec(path, data, lines)
    bundle_files(spec, encoding)
    if is_swagger2(spec.data):
        # Checked as written (at the lines of the file), then read as OpenAPI 3.0.
        problems = [dataclasses.replace(problem, where=spec.where(problem))
                    for problem in swagger2_problems(spec)]
        spec = convert(spec)
        spec.read_problems = problems
    return spec


def bundle_files(spec: Spec, encoding: str) -> None:
    """Read every file the spec refers to inside its folder; rewrite those references."""
    root = spec.path.parent.resolve()
    pending: list[tuple[str, Path]] = [("", spec.path.resolve())]
    done: set[str] = set()
    while pending:
        prefix, file_path = pending.pop()
        if prefix in done:
            continue
        done.add(prefix)
        value = spec.get(prefix) if prefix else spec.data
        for holder in _ref_holders(value):
            ref = holder["$ref"]
            if ref.startswith("#") or is_url(ref):
                continue
            target_name, _, fragment = ref.partition("#")
            target = (file_path.parent / target_name).resolve()
            if not target.is_relative_to(root) or not target.is_file():
                continue  # refused, with its line, by check_refs
            relname = posixpath.normpath(target.relative_to(root).as_posix())
            target_prefix = join_pointer("", BUNDLE_KEY, relname)
            if target == spec.path.resolve():
                holder["$ref"] = "#" + fragment
                continue
            if target_prefix not in spec.files:
                data: Any
                if target.suffix.lower() in _DATA_SUFFIXES:
                    data, lines = parse_file(target, encoding, target_prefix)
                    pending.append((target_prefix, target))
                else:  # a code sample or a Markdown text: its text is the value (as Redoc)
                    data, lines = _text_of(target, encoding), {target_prefix: 1}
                spec.data.setdefault(BUNDLE_KEY, {})[relname] = data
                spec.lines.update(lines)
                spec.files[target_prefix] = target
            holder["$ref"] = f"#{target_prefix}{fragment}"


def _ref_holders(value: Any) -> list[dict[str, Any]]:
    """Every mapping with a string ``$ref`` under *value* (not in example values)."""
    if isinstance(value, Mapping) and BUNDLE_KEY in value:
        value = {key: item for key, item in value.items() if key != BUNDLE_KEY}
    return [holder for _pointer, holder in walk_references(value)
            if isinstance(holder, dict)]

