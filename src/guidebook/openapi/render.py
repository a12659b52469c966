"""One operation as nodes: its httpdomain signature, field tables and examples.

guidebook renders the operation body itself rather than through sphinxcontrib-openapi's
renderer, which fails on valid specs (an example object without ``value``, a recursive
schema), fetches ``externalValue`` URLs during the build and parses every description into
one generated page whose lines no reader can find. The signature is still httpdomain's
``http:<method>`` directive, so the HTTP index and ``:http:get:`` roles keep working.

Parameters, request bodies and responses become tables (name, type, required, description,
nested properties by dotted name), each schema's table built once per build and copied
where a component is reused; the examples follow their table.

(Over 400 lines: one operation's parts, parameters, bodies, responses, headers and examples,
share the renderer's state, the spec, the markup and the per-page tables; split, each part
would take all of them.)
"""

from __future__ import annotations

import http.client
import io
import json
import pickle
import re
from collections.abc import Iterator, Mapping
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes

from guidebook.openapi.actions import ActionBranch, action_branches, is_microversion_header
from guidebook.openapi.fields import Field, schema_fields, type_label
from guidebook.openapi.html_nodes import (
    api_field_name,
    api_fields_more,
    api_fields_summary,
    api_scroll,
    scroll_box,
)
from guidebook.openapi.markup import Markup, as_text
from guidebook.openapi.nesting import Level, nest, should_collapse
from guidebook.openapi.openstack import operation_versions, version_label, version_notes
from guidebook.openapi.sanitize import is_safe_uri
from guidebook.openapi.spec import Operation, Spec, join_pointer

#: At most this many named examples per media type are shown.
MAX_EXAMPLES = 5
#: Examples longer than this (as JSON text) are cut, with a note.
MAX_EXAMPLE_CHARS = 20_000


class OperationRenderer:
    """Renders the operations of one spec for one directive."""

    def __init__(self, state: Any, spec: Spec, markup: Markup,
                 response_examples_for: frozenset[str], cache: dict[str, bytes]) -> None:
        self.state = state
        self.spec = spec
        self.markup = markup
        self.response_examples_for = response_examples_for
        #: Tables by the JSON pointer of their schema: a shared component is built once.
        #: Kept pickled: as nodes, GitHub's components alone took some 700 MB; a copy
        #: unpickled is also quicker to make than a deep copy.
        self.cache = cache
        #: Component tables already on this page: schema pointer -> (table id, where).
        self.on_page: dict[str, tuple[str, str]] = {}
        #: The title of the operation being rendered.
        self.current = ""

    # -- the operation --

    def render(self, operation: Operation, audience_note: nodes.Node | None) -> nodes.section:
        data = self.spec.get(operation.pointer)
        key = operation.key
        title = operation.summary or key
        self.current = title
        section = nodes.section(ids=[operation.anchor], classes=["guidebook-api-operation"])
        section += nodes.title(title, title)
        desc = self._signature(operation, bool(data.get("deprecated")))
        section += desc
        content = next(iter(desc.findall(addnodes.desc_content)), None)
        target: nodes.Element = content if content is not None else section
        if audience_note is not None:
            target += audience_note
        versions = operation_versions(data)
        if versions is not None:
            target += versions
        label = f"{key}: "
        summary = data.get("summary")
        if isinstance(summary, str) and re.search(r"\n\s*\n", summary.strip()):
            # A multi-paragraph summary: the first is the title, the others are shown.
            rest = re.split(r"\n\s*\n", summary.strip(), maxsplit=1)[1]
            target += self.markup.parse(rest, join_pointer(operation.pointer, "summary"),
                                        label)
        description = data.get("description")
        if isinstance(description, str):
            target += self.markup.parse(description, join_pointer(operation.pointer,
                                                                   "description"), label)
        target += self._parameters(operation, label)
        target += self._request_body(operation, data, label)
        target += self._responses(operation, data, label)
        return section

    def _signature(self, operation: Operation, deprecated: bool) -> addnodes.desc:
        lines = StringList()
        source = str(self.spec.path)
        line = self.spec.line_of(operation.pointer)
        lines.append(f".. http:{operation.method}:: {operation.path}", source, line - 1)
        if deprecated:
            lines.append("   :deprecated:", source, line - 1)
        holder = nodes.container()
        holder.document = self.state.document
        self.state.nested_parse(lines, 0, holder)
        desc: addnodes.desc | None = next(iter(holder.findall(addnodes.desc)), None)
        if desc is None:  # httpdomain refused the path: show it as text
            desc = addnodes.desc()
            desc += addnodes.desc_signature(operation.key, operation.key)
            desc += addnodes.desc_content()
        desc.parent = None
        return desc

    # -- parameters --

    def _parameters(self, operation: Operation, label: str) -> list[nodes.Node]:
        item_pointer = operation.pointer.rpartition("/")[0]
        item = self.spec.get(item_pointer)
        merged: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
        for base, raw_list in ((item_pointer, item.get("parameters")),
                               (operation.pointer, self.spec.get(operation.pointer)
                                .get("parameters"))):
            if not isinstance(raw_list, list):
                continue
            for index, raw in enumerate(raw_list):
                param, pointer = self.spec.resolve(raw, join_pointer(base, "parameters", index))
                if isinstance(param, Mapping):
                    merged[(str(param.get("name", "")), str(param.get("in", "")))] = (
                        param, pointer)
        if not merged:
            return []
        rows: list[list[nodes.Node]] = []
        order = {"path": 0, "query": 1, "header": 2, "cookie": 3}
        for (name, place), (param, pointer) in sorted(
                merged.items(), key=lambda entry: order.get(entry[0][1], 9)):
            schema, schema_pointer = self._parameter_schema(param, pointer)
            notes = list(dict.fromkeys((*version_notes(param), *_schema_notes(schema))))
            if param.get("deprecated"):
                notes.append("Deprecated.")
            description_pointer = join_pointer(pointer, "description")
            description = param.get("description") or (
                schema.get("description") if isinstance(schema, Mapping) else "") or ""
            cell = (self._microversion_header(str(description), description_pointer, notes,
                                              label)
                    if is_microversion_header(param) else
                    self._description(str(description), description_pointer, notes, label))
            rows.append([
                _code(name),
                nodes.Text(place),
                nodes.Text(type_label(self.spec, schema) if isinstance(schema, Mapping)
                           else "any"),
                nodes.Text("yes" if param.get("required") else "no"),
                cell,
            ])
            del schema_pointer
        return [nodes.rubric("", "Parameters"),
                _table(("Name", "In", "Type", "Required", "Description"), rows,
                       "guidebook-api-parameters", "Parameters")]

    def _microversion_header(self, text: str, pointer: str, notes: list[str],
                             label: str) -> nodes.Node:
        """The microversion header's description: in full the first time on a page, then a
        link to it."""
        shown = self.on_page.get(_MICROVERSION_HEADER)
        if shown is not None:
            anchor, where = shown
            link = nodes.reference("", where, internal=True, refid=anchor)
            return nodes.paragraph("", "", nodes.Text("Selects the microversion, as explained "
                                                      "under "), link, nodes.Text("."),
                                   classes=["guidebook-api-same"])
        anchor = nodes.make_id("api-microversion-header")
        self.on_page[_MICROVERSION_HEADER] = (anchor, self.current)
        cell = self._description(text, pointer, notes, label)
        if not isinstance(cell, nodes.Element):
            cell = nodes.container("", cell)
        cell["ids"].append(anchor)
        return cell

    def _parameter_schema(self, param: Mapping[str, Any], pointer: str) -> tuple[Any, str]:
        if "schema" in param:
            return self.spec.resolve(param["schema"], join_pointer(pointer, "schema"))
        content = param.get("content")
        if isinstance(content, Mapping) and content:
            media_type, media = next(iter(content.items()))
            if isinstance(media, Mapping) and "schema" in media:
                return self.spec.resolve(media["schema"], join_pointer(
                    pointer, "content", media_type, "schema"))
        return {}, pointer

    # -- request body and responses --

    def _request_body(self, operation: Operation, data: Mapping[str, Any],
                      label: str) -> list[nodes.Node]:
        if "requestBody" not in data:
            return []
        body, pointer = self.spec.resolve(data["requestBody"],
                                          join_pointer(operation.pointer, "requestBody"))
        if not isinstance(body, Mapping):
            return []
        result: list[nodes.Node] = [nodes.rubric("", "Request body" + (
            "" if body.get("required") else " (optional)"))]
        if isinstance(body.get("description"), str):
            result += self.markup.parse(body["description"],
                                        join_pointer(pointer, "description"), label)
        result += self._content(body, pointer, label, examples=True, what="request")
        return result

    def _responses(self, operation: Operation, data: Mapping[str, Any],
                   label: str) -> list[nodes.Node]:
        responses = data.get("responses")
        if not isinstance(responses, Mapping):
            return []
        result: list[nodes.Node] = []
        for status, raw in responses.items():
            response, pointer = self.spec.resolve(raw, join_pointer(
                operation.pointer, "responses", status))
            if not isinstance(response, Mapping):
                continue
            code = str(status)
            reason = _reason(code)
            title = f"Response {code}" + (f" {reason}" if reason else "")
            rubric = nodes.rubric("", title, classes=["guidebook-api-response"])
            result.append(rubric)
            if isinstance(response.get("description"), str):
                result += self.markup.parse(response["description"],
                                            join_pointer(pointer, "description"), label)
            result += self._headers(response, pointer, label)
            result += self._content(response, pointer, label,
                                    examples=code in self.response_examples_for,
                                    what=f"response {code}")
        return result

    def _headers(self, response: Mapping[str, Any], pointer: str,
                 label: str) -> list[nodes.Node]:
        headers = response.get("headers")
        if not isinstance(headers, Mapping) or not headers:
            return []
        rows: list[list[nodes.Node]] = []
        for name, raw in headers.items():
            if str(name).lower() == "content-type":
                continue  # OpenAPI: a Content-Type header definition is ignored
            header, header_pointer = self.spec.resolve(raw, join_pointer(pointer, "headers",
                                                                         name))
            if not isinstance(header, Mapping):
                continue
            schema, _ = self._parameter_schema(header, header_pointer)
            rows.append([
                _code(str(name)),
                nodes.Text(type_label(self.spec, schema) if isinstance(schema, Mapping)
                           and schema else "string"),
                self._description(str(header.get("description") or ""),
                                  join_pointer(header_pointer, "description"),
                                  list(_schema_notes(schema)), label),
            ])
        if not rows:
            return []
        return [_table(("Header", "Type", "Description"), rows, "guidebook-api-headers",
                       "Response headers")]

    def _content(self, holder: Mapping[str, Any], pointer: str, label: str, *,
                 examples: bool, what: str) -> list[nodes.Node]:
        content = holder.get("content")
        if not isinstance(content, Mapping):
            return []
        result: list[nodes.Node] = []
        for media_type, media in content.items():
            if not isinstance(media, Mapping):
                continue
            media_pointer = join_pointer(pointer, "content", media_type)
            paragraph = nodes.paragraph("", "", nodes.emphasis(media_type, media_type),
                                        classes=["guidebook-api-media-type"])
            result.append(paragraph)
            actions = action_branches(self.spec, media.get("schema"),
                                      join_pointer(media_pointer, "schema"))
            if actions:
                result += self._action_tables(actions, label)
            elif "schema" in media:
                result += self._schema_table(media["schema"], join_pointer(media_pointer,
                                                                           "schema"), label,
                                             f"Fields of the {what}")
            if examples:
                result += self._examples(media, media_pointer, what)
        return result

    def _action_tables(self, actions: list[ActionBranch], label: str) -> list[nodes.Node]:
        """One body per action, under the action's name (a ``oneOf`` keyed by action)."""
        result: list[nodes.Node] = []
        for action in actions:
            heading = nodes.paragraph("", "", nodes.strong("Action ", "Action "),
                                      _code(action.name), classes=["guidebook-api-action"])
            title = action.target.get("title")
            if isinstance(title, str) and title:
                heading += nodes.Text(f": {title}")
            versions = version_label(action.target)
            if versions:
                heading += nodes.Text(f" ({versions})")
            result.append(heading)
            description = action.target.get("description")
            if isinstance(description, str):
                target_pointer = self.spec.resolve(action.schema, action.pointer)[1]
                result += self.markup.parse(description, join_pointer(target_pointer,
                                                                      "description"), label)
            result += self._schema_table(action.schema, action.pointer, label,
                                         f"Fields of action {action.name}")
        return result

    def _schema_table(self, schema: Any, pointer: str, label: str,
                      caption: str) -> list[nodes.Node]:
        target, target_pointer = self.spec.resolve(schema, pointer)
        if not isinstance(target, Mapping):
            return []
        shown = self.on_page.get(target_pointer)
        if shown is not None:
            # A component shown earlier on the page: linked, not repeated (pages of a large
            # spec would otherwise repeat the same big tables for every call).
            table_id, where = shown
            name = target_pointer.rpartition("/")[2].replace("~1", "/").replace("~0", "~")
            link = nodes.reference("", where, internal=True, refid=table_id)
            return [nodes.paragraph("", "", nodes.Text(f"Fields of {name}: as listed for "),
                                    link, nodes.Text("."), classes=["guidebook-api-same"])]
        if target_pointer != pointer:
            caption = "Fields of " + target_pointer.rpartition("/")[2].replace(
                "~1", "/").replace("~0", "~")
        nodes_ = self._new_schema_table(schema, pointer, target, target_pointer, label,
                                        caption)
        table = next(iter(nodes_[0].findall(nodes.table)), None)
        if target_pointer != pointer and table is not None:
            table_id = nodes.make_id("api-fields-" + target_pointer.replace("~1", "/"))
            table["ids"].append(table_id)
            self.on_page[target_pointer] = (table_id, self.current)
        return nodes_

    def _new_schema_table(self, schema: Any, pointer: str, target: Mapping[str, Any],
                          target_pointer: str, label: str, caption: str) -> list[nodes.Node]:
        cached = self.cache.get(target_pointer)
        if cached is not None:
            return [_unpickled(cached)]
        rows, truncated = schema_fields(self.spec, schema, pointer)
        if not rows:
            summary = nodes.paragraph("", f"Type: {type_label(self.spec, target)}",
                                      classes=["guidebook-api-type"])
            self.cache[target_pointer] = _pickled(summary)
            return [summary]
        node: nodes.Element
        if should_collapse(rows):
            id_base = "api-fields-" + target_pointer.replace("~1", "/") + "-"
            node = nodes.container("", *self._level_tables(nest(rows), label, caption,
                                                            id_base),
                                   classes=["guidebook-api-nested"])
        else:
            node = self._fields_table([self._field_row(row, label) for row in rows], caption)
        if truncated:
            node = nodes.container("", node, nodes.paragraph(
                "", f"(The first {len(rows)} fields are shown.)"))
        if target_pointer != pointer:  # a schema written in place is shown once: not kept
            self.cache[target_pointer] = _pickled(node)
        return [node]

    def _level_tables(self, level: Level, label: str, caption: str,
                      id_base: str) -> list[nodes.Node]:
        """The table of one object's fields, then each nested object's, collapsed."""
        ids = {name: nodes.make_id(id_base + name) for name in level.nested}
        table_rows = [self._field_row(row, label, ids.get(row.name, ""),
                                      level.nested[row.name].count()
                                      if row.name in level.nested else 0)
                      for row in level.rows]
        result: list[nodes.Node] = [self._fields_table(table_rows, caption)]
        for name, nested in level.nested.items():
            more = api_fields_more(ids=[ids[name]], classes=["guidebook-api-fields-more"])
            count = nested.count()
            more += api_fields_summary("", "", nodes.Text("Fields of "), _code(name),
                                       nodes.Text(f" ({count})"))
            more += self._level_tables(nested, label, f"Fields of {name}", id_base)
            result.append(more)
        return result

    @staticmethod
    def _fields_table(table_rows: list[list[nodes.Node]], caption: str) -> nodes.Element:
        return _table(("Name", "Type", "Required", "Description"), table_rows,
                      "guidebook-api-fields", caption)

    def _field_row(self, row: Field, label: str, nested_id: str = "",
                   nested_count: int = 0) -> list[nodes.Node]:
        description = self._description(row.description, row.description_pointer,
                                         list(row.notes), label)
        if nested_id:
            # Its fields are collapsed below the table: said, and linked (opening them).
            link = nodes.reference("", "", _code(row.name), internal=True, refid=nested_id)
            fields = "field" if nested_count == 1 else "fields"
            more = nodes.paragraph("", "", nodes.Text(f"{nested_count} nested {fields}: see "),
                                   link, nodes.Text(" below."),
                                   classes=["guidebook-api-note"])
            description = (description if isinstance(description, nodes.container)
                           else nodes.container())
            description += more
        return [
            api_field_name(row.name, row.name),
            nodes.Text(row.type),
            nodes.Text("yes" if row.required else "no"),
            description,
        ]

    def _description(self, text: str, pointer: str, notes: list[str],
                     label: str) -> nodes.Node:
        cell: list[nodes.Node] = self.markup.parse(text, pointer, label) if text else []
        for note in notes:
            cell.append(nodes.paragraph("", "", *_inline_literals(note),
                                        classes=["guidebook-api-note"]))
        return nodes.container("", *cell) if cell else nodes.Text("")

    # -- examples --

    def _examples(self, media: Mapping[str, Any], pointer: str, what: str) -> list[nodes.Node]:
        result: list[nodes.Node] = []
        for name, example, example_pointer in self._iter_examples(media, pointer):
            title = f"Example {what}" if name == "example" else f"Example {what}: {name}"
            summary = example.get("summary") if isinstance(example, Mapping) else None
            paragraph = nodes.paragraph("", "", nodes.strong(title, title),
                                        classes=["guidebook-api-example-title"])
            if isinstance(summary, str) and summary.strip():
                paragraph += nodes.Text(f" — {' '.join(summary.split())}")
            result.append(paragraph)
            if "value" in example:
                result.append(_example_block(example["value"]))
            elif isinstance(example.get("externalValue"), str):
                url = example["externalValue"]
                text = "The example is published at "
                link: nodes.Node = (nodes.reference(url, url, refuri=url) if is_safe_uri(url)
                                    and url.startswith(("http://", "https://"))
                                    else nodes.literal(url, url))
                result.append(nodes.paragraph("", "", nodes.Text(text), link,
                                              nodes.Text(" (not fetched).")))
            else:
                result.append(nodes.paragraph("", "(This example has no value.)"))
            description = example.get("description")
            if isinstance(description, str):
                result += self.markup.parse(description, join_pointer(example_pointer,
                                                                      "description"))
            del example_pointer
        return result

    def _iter_examples(self, media: Mapping[str, Any],
                       pointer: str) -> Iterator[tuple[str, Mapping[str, Any], str]]:
        if "example" in media:
            yield "example", {"value": media["example"]}, join_pointer(pointer, "example")
            return
        named = media.get("examples")
        if isinstance(named, Mapping) and named:
            for count, (name, raw) in enumerate(named.items()):
                if count >= MAX_EXAMPLES:
                    break
                example, example_pointer = self.spec.resolve(raw, join_pointer(
                    pointer, "examples", name))
                if isinstance(example, Mapping):
                    yield str(name), example, example_pointer
            return
        schema, schema_pointer = self.spec.resolve(media.get("schema"),
                                                   join_pointer(pointer, "schema"))
        if isinstance(schema, Mapping) and "example" in schema:
            yield "example", {"value": schema["example"]}, join_pointer(schema_pointer,
                                                                        "example")


#: The :attr:`OperationRenderer.on_page` key of the microversion header's description.
_MICROVERSION_HEADER = "#microversion-header"


def _example_block(value: Any) -> nodes.literal_block:
    if isinstance(value, str):
        text, language = value, "none"
    else:
        text, language = json.dumps(value, indent=2, ensure_ascii=False), "json"
    if len(text) > MAX_EXAMPLE_CHARS:
        text = text[:MAX_EXAMPLE_CHARS] + "\n..."
        language = "none"
    block = nodes.literal_block(text, text, language=language)
    block["classes"].append("guidebook-api-example")
    return block


class _NodePickler(pickle.Pickler):
    """Pickles a detached node: the page's document its parsed text points to stays out."""

    def persistent_id(self, obj: Any) -> str | None:
        return "document" if isinstance(obj, nodes.document) else None


class _NodeUnpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> None:
        return None  # set again when the copy is put in a page, as for a deep copy


def _pickled(node: nodes.Node) -> bytes:
    buffer = io.BytesIO()
    _NodePickler(buffer, pickle.HIGHEST_PROTOCOL).dump(node)
    return buffer.getvalue()


def _unpickled(data: bytes) -> nodes.Node:
    node: nodes.Node = _NodeUnpickler(io.BytesIO(data)).load()
    return node


def _schema_notes(schema: Any) -> tuple[str, ...]:
    from guidebook.openapi.fields import _notes

    return _notes(schema) if isinstance(schema, Mapping) else ()


def _reason(code: str) -> str:
    if code == "default":
        return "(any other status)"
    if code.upper().endswith("XX"):
        return f"({code[0]}xx)"
    try:
        return http.client.responses.get(int(code), "")
    except ValueError:
        return ""


def _code(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def _inline_literals(text: str) -> list[nodes.Node]:
    """``One of: ``a``, ``b``.`` -> text and literal nodes (notes are built here, not parsed)."""
    parts = text.split("``")
    result: list[nodes.Node] = []
    for index, part in enumerate(parts):
        if not part:
            continue
        result.append(nodes.literal(part, part) if index % 2 else nodes.Text(part))
    return result


def _table(headers: tuple[str, ...], rows: list[list[nodes.Node]],
           css_class: str, caption: str) -> api_scroll:
    """The table of *rows* in its scroll box, named *caption* for screen readers."""
    table = nodes.table(classes=["guidebook-api-table", css_class])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for _ in headers:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    header_row = nodes.row()
    for header in headers:
        header_row += nodes.entry("", nodes.paragraph(header, header))
    head += header_row
    group += head
    body = nodes.tbody()
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            if isinstance(cell, nodes.Text) or isinstance(cell, nodes.Inline):
                entry += nodes.paragraph("", "", cell)
            elif isinstance(cell, nodes.container):
                entry += list(cell.children)
            else:
                entry += cell
            row += entry
        body += row
    group += body
    return scroll_box(table, caption)


__all__ = ["OperationRenderer", "as_text"]
