"""Event descriptions: safe, readable HTML fragments.

Outlook sends a whole HTML document (with <head>, <style>, Office namespaces); Odoo wants a
fragment. We keep the <body> content, basic formatting and links, and drop anything that
could run code (scripts, frames, event handler attributes, javascript: URLs). Running the
sanitizer on its own output changes nothing, so a body survives any number of round trips.
"""

import html
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Tags kept as they are (with only the attributes listed in _ALLOWED_ATTRIBUTES).
_ALLOWED_TAGS = frozenset({
    "a", "b", "blockquote", "br", "caption", "code", "div", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "s", "span", "strike", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
})
_VOID_TAGS = frozenset({"br", "hr"})
# Tags dropped together with everything inside them. Other tags (img, embed, font, Office's
# o:p ...) are dropped too but their text is kept.
_DROPPED_WITH_CONTENT = frozenset({
    "applet", "frameset", "head", "iframe", "noscript", "object", "script", "style",
    "template", "title", "xml",
})
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_SAFE_URL_SCHEMES = frozenset({"", "http", "https", "mailto", "tel"})


def sanitize_html(text):
    """Return a safe HTML fragment from a full document or a fragment."""
    if not text:
        return ""
    sanitizer = _Sanitizer(has_body="<body" in text.lower())
    sanitizer.feed(text)
    sanitizer.close()
    return sanitizer.result()


def text_to_html(text):
    """Plain text as HTML: escaped, with line breaks kept as <br>."""
    if not text:
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def body_to_html(body):
    """The HTML fragment for a Graph ``body`` ({"contentType", "content"}) or None."""
    body = body or {}
    content = body.get("content") or ""
    if (body.get("contentType") or "html").lower() == "text":
        return text_to_html(content)
    return sanitize_html(content)


def _is_safe_url(url):
    # Browsers ignore control characters and spaces inside a scheme ("java\tscript:"),
    # so they are removed before looking at it.
    compact = "".join(char for char in url if char > " ")
    try:
        scheme = urlsplit(compact).scheme.lower()
    except ValueError:
        return False
    return scheme in _SAFE_URL_SCHEMES


class _Sanitizer(HTMLParser):
    def __init__(self, has_body):
        super().__init__(convert_charrefs=True)
        self._out = []
        self._open = []  # allowed tags currently open, innermost last
        self._dropping = 0  # depth inside tags dropped with their content
        # With a full document only what is inside <body> counts.
        self._in_body = not has_body

    def result(self):
        self._out.extend(f"</{tag}>" for tag in reversed(self._open))
        return "".join(self._out).strip()

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self._in_body = True
        elif tag in _DROPPED_WITH_CONTENT:
            self._dropping += 1
        elif self._visible() and tag in _ALLOWED_TAGS:
            self._out.append(f"<{tag}{self._attributes(tag, attrs)}>")
            if tag not in _VOID_TAGS:
                self._open.append(tag)

    def handle_startendtag(self, tag, attrs):
        # <br/> and friends: never leave an open tag behind.
        if self._visible() and tag in _VOID_TAGS:
            self._out.append(f"<{tag}>")
        elif tag not in _DROPPED_WITH_CONTENT and tag not in _VOID_TAGS:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "body":
            self._in_body = False
        elif tag in _DROPPED_WITH_CONTENT:
            self._dropping = max(0, self._dropping - 1)
        elif tag in self._open and self._visible():
            # Close whatever was left open inside it, so the output stays well nested.
            while self._open:
                inner = self._open.pop()
                self._out.append(f"</{inner}>")
                if inner == tag:
                    break

    def handle_data(self, data):
        if self._visible():
            self._out.append(html.escape(data, quote=False))

    def _visible(self):
        return self._in_body and not self._dropping

    @staticmethod
    def _attributes(tag, attrs):
        allowed = _ALLOWED_ATTRIBUTES.get(tag, set())
        kept = []
        for name, value in attrs:
            if name not in allowed or value is None:
                continue
            if name == "href" and not _is_safe_url(value):
                continue
            kept.append(f' {name}="{html.escape(value, quote=True)}"')
        return "".join(kept)
