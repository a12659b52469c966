"""Make nodes rendered from untrusted spec text inert.

Descriptions in a spec are Markdown (or reStructuredText) that guidebook parses
into nodes; Markdown lets raw HTML through as ``raw`` nodes and both let any URL scheme into
a link. The HTML writer escapes text and attribute values, so after this pass no spec text
can reach the page as markup: raw HTML is shown as text and links or images whose URL is
not http(s), mailto or relative lose their URL.
"""

from __future__ import annotations

from collections.abc import Callable

from docutils import nodes

#: URL schemes a spec may link to; anything else (javascript:, data:, vbscript:...) is dropped.
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def is_safe_uri(uri: str) -> bool:
    """Whether *uri* is relative or uses a safe scheme.

    Browsers ignore ASCII whitespace and control characters inside a scheme
    (``java\\tscript:``), so they are dropped before looking at it.
    """
    cleaned = "".join(char for char in uri if ord(char) > 32 and ord(char) != 127).lower()
    scheme, colon, _rest = cleaned.partition(":")
    if not colon or any(char in scheme for char in "/?#"):
        return True  # relative: no scheme before the first path, query or fragment
    return scheme in SAFE_SCHEMES


Report = Callable[[nodes.Node, str], None]


#: reStructuredText references resolved after reading, against the whole page: in spec text
#: they are the text the author wrote (``<|endoftext|>`` is no substitution).
_PAGE_REFERENCES = (nodes.substitution_reference, nodes.footnote_reference,
                    nodes.citation_reference)


def sanitize(tree: list[nodes.Node], report: Report) -> None:
    """Neutralise raw markup and unsafe URLs in *tree* in place; *report* each change.

    References that would be resolved against the page (substitutions, footnotes, named
    targets the text does not define) become the text they were written as.
    """
    names = {name for top in tree if isinstance(top, nodes.Element)
             for node in top.findall(nodes.Element, include_self=True)
             for name in node.get("names", ())}
    for top in tree:
        if not isinstance(top, nodes.Element):
            continue
        for node in list(top.findall(nodes.Element, include_self=True)):
            if isinstance(node, _PAGE_REFERENCES) or (
                    isinstance(node, nodes.reference) and node.get("refname")
                    and not node.get("refuri") and node["refname"] not in names):
                text = node.rawsource or node.astext()
                node.replace_self(nodes.Text(text))
            elif isinstance(node, nodes.raw):
                _replace_raw(node, report)
            elif isinstance(node, nodes.reference) and not is_safe_uri(node.get("refuri", "")):
                report(node, f"link to {show(node['refuri'])} removed (unsafe URL scheme)")
                inline = nodes.inline(node.rawsource, "", *node.children)
                node.replace_self(inline)
            elif isinstance(node, nodes.target) and not is_safe_uri(node.get("refuri", "")):
                report(node, f"link target {show(node['refuri'])} removed (unsafe URL scheme)")
                del node["refuri"]
            elif isinstance(node, nodes.image) and not is_safe_uri(node.get("uri", "")):
                report(node, f"image {show(node['uri'])} removed (unsafe URL scheme)")
                node.replace_self(nodes.Text(str(node.get("alt", ""))))


def _replace_raw(node: nodes.raw, report: Report) -> None:
    text = node.astext()
    report(node, f"raw {node.get('format', '')} markup shown as text: {show(text)}")
    if isinstance(node.parent, nodes.TextElement):
        node.replace_self(nodes.literal(text, text))
    else:
        node.replace_self(nodes.literal_block(text, text, language="none"))


def show(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 60 else text[:57] + "...")
