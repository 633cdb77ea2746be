"""Checks that rendered output is inert: only expected tags, no scripts, handlers or links."""

from __future__ import annotations

from html.parser import HTMLParser

from markdown_it import MarkdownIt

PAGE_TAGS = frozenset(
    {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "nav",
        "main",
        "footer",
        "section",
        "article",
        "div",
        "span",
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "a",
        "ol",
        "ul",
        "li",
        "dl",
        "dt",
        "dd",
        "code",
        "pre",
        "strong",
        "em",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "details",
        "summary",
    }
)
SVG_TAGS = frozenset(
    {
        "svg",
        "g",
        "rect",
        "text",
        "line",
        "path",
        "polyline",
        "circle",
        "title",
        "defs",
        "marker",
    }
)
HTML_TAGS = frozenset({*PAGE_TAGS, *SVG_TAGS})
MARKDOWN_TAGS = frozenset(
    {
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "ol",
        "ul",
        "li",
        "code",
        "pre",
        "strong",
        "em",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "details",
        "summary",
        "hr",
        "br",
    }
)


class TagAudit(HTMLParser):
    """Collects every tag, attribute and link target in an HTML text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)


def audit_html(text: str, allowed: frozenset[str]) -> list[str]:
    """Everything unsafe in ``text``: unexpected tags, event handlers, non-local links."""
    audit = TagAudit()
    audit.feed(text)
    problems = [f"tag <{tag}>" for tag in sorted(audit.tags - allowed)]
    for tag, name, value in audit.attributes:
        if name.startswith("on"):
            problems.append(f"handler {name} on <{tag}>")
        if name in ("href", "src", "xlink:href", "action", "formaction") and not (
            value.startswith("#") and value[1:].replace("-", "").isalnum()
        ):
            problems.append(f"{name}={value!r} on <{tag}>")
        if "javascript:" in value.lower():
            problems.append(f"javascript: in {name} on <{tag}>")
    return problems


def markdown_to_html(text: str) -> str:
    """Render like GitHub would (CommonMark + tables, raw HTML allowed, any link accepted)."""
    renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    renderer.validateLink = lambda url: True  # type: ignore[method-assign]
    return renderer.render(text)
