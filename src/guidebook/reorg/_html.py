"""The shell shared by the review pages: one self-contained HTML file, no assets."""

from __future__ import annotations

import html

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5rem; color: #1d1d1f; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
code { font-size: .85em; color: #555; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f5; }
.meta { color: #555; }
.ok { color: #17692b; }
.broken, .broken-list li { color: #b00020; }
.columns { display: grid; grid-template-columns: 1fr 5rem 1fr; position: relative; }
.columns h3 { font-size: 1rem; margin: .5rem 0; }
.nav { list-style: none; padding: 0; margin: 0; }
.nav li { padding: .15rem .4rem; margin: 2px 0; border-radius: 3px;
          padding-left: calc(.4rem + var(--depth, 0) * 1.25rem); }
.nav .added, .legend .added { background: #e3f6e5; }
.nav .removed, .legend .removed { background: #fdecea; text-decoration: line-through; }
.nav .moved, .legend .moved { background: #fff4d6; }
.nav .broken, .legend .broken { background: #fbd3d3; color: #b00020; font-weight: 600;
               text-decoration: none; }
.badge { display: inline-block; min-width: 2em; font-size: .75em; font-weight: 700;
         background: #8a5a00; color: #fff; border-radius: 3px; text-align: center;
         margin-right: .3rem; }
.note { font-size: .8em; color: #555; margin-left: .4rem; }
.broken .note { color: #b00020; }
svg.arrows { position: absolute; left: 0; top: 0; width: 100%; height: 100%;
             pointer-events: none; overflow: visible; }
.shared, .shared th { background: #eef3fc; }
.gap { background: #fdecea; }
.legend span { padding: .1rem .4rem; margin-right: .5rem; border-radius: 3px; }
"""


def esc(text: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(str(text), quote=True)


def page(title: str, body: str, script: str = "") -> str:
    """A complete HTML document; *body* must already be escaped."""
    tag = f"<script>{script}</script>\n" if script else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"{body}\n{tag}</body>\n</html>\n"
    )
